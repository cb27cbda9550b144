// Package metrics exports Socketeer's Prometheus metrics, on a registry
// you pass (never the global one):
//
//	reg := prometheus.NewRegistry()
//	m, err := metrics.New(reg, metrics.Options{})
//	if err != nil {
//		log.Fatal(err)
//	}
//	a := app.New(app.Options{Metrics: m})
//	mux.Handle("/metrics", m.Handler())
//
// # Metrics
//
// All names start with socketeer_:
//
//   - sockets_connected{namespace}: sockets connected on this node.
//   - engine_sessions{transport}: connections joined to a namespace, by
//     their current transport (polling, websocket), read at scrape time.
//   - engine_sessions_opened_total, engine_sessions_closed_total{reason}:
//     Engine.IO sessions; slow_consumer_disconnects_total counts those
//     closed because their outgoing queue was full.
//   - events_received_total{namespace,event}, events_sent_total{namespace,event}:
//     event packets; a broadcast counts once. Event names past
//     Options.MaxEventNames per namespace share the label OtherEvent.
//   - handler_duration_seconds{namespace,event}: histogram of handler
//     time (middleware included; "connect" for connect handlers);
//     handler_errors_total{namespace,event} counts errors and panics.
//   - ack_timeouts_total{namespace}: acknowledgements not received in time.
//   - bytes_total{direction}, messages_total{direction}: Socket.IO messages
//     in and out (Engine.IO framing not counted).
//   - recovery_attempts_total{namespace,result}: connection state recovery
//     attempts, result "recovered" or "failed".
//   - adapter_errors_total{namespace,kind}: a multi-node adapter's lost
//     publishes (kind "publish"), unanswered requests ("timeout") and
//     lost subscriptions ("subscribe", the sharded adapter).
//
// # Cost
//
// Without app.Options.Metrics nothing is counted: each hook is one nil
// check. With it, an event costs a map lookup and a few atomic adds.
package metrics
