package obs

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/protocol"
)

// OtherEvent is the event label of the events past the cardinality cap.
const OtherEvent = "_other"

// Metrics is the Prometheus observer behind package metrics.
type Metrics struct {
	maxEvents int
	gatherer  prometheus.Gatherer

	sockets       *prometheus.GaugeVec
	sessions      *prometheus.CounterVec // opened
	closes        *prometheus.CounterVec // by reason
	slow          prometheus.Counter
	received      *prometheus.CounterVec
	sent          *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	handlerErrors *prometheus.CounterVec
	ackTimeouts   *prometheus.CounterVec
	bytes         *prometheus.CounterVec
	messages      *prometheus.CounterVec
	recovery      *prometheus.CounterVec
	adapterErrors *prometheus.CounterVec
	transports    *transportCollector

	mu     sync.Mutex
	events map[string]map[string]struct{} // namespace → event names labelled
	series sync.Map                       // namespace+"\x00"+event → *eventSeries
}

// eventSeries holds the children of one namespace and event label.
type eventSeries struct {
	received, sent, errors prometheus.Counter
	duration               prometheus.Observer
}

var _ nsrt.Observer = (*Metrics)(nil)

// MetricsConfig configures NewMetrics.
type MetricsConfig struct {
	Registerer prometheus.Registerer
	MaxEvents  int
	Buckets    []float64
}

// NewMetrics makes the collectors and registers them with c.Registerer
// (a registry of their own when nil).
func NewMetrics(c MetricsConfig) (*Metrics, error) {
	if c.MaxEvents <= 0 {
		c.MaxEvents = 100
	}
	if len(c.Buckets) == 0 {
		c.Buckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}
	}
	m := &Metrics{maxEvents: c.MaxEvents, events: make(map[string]map[string]struct{})}
	m.define(c.Buckets)
	reg := c.Registerer
	if reg == nil {
		r := prometheus.NewRegistry()
		reg, m.gatherer = r, r
	} else if g, ok := reg.(prometheus.Gatherer); ok {
		m.gatherer = g
	}
	for _, col := range m.collectors() {
		if err := reg.Register(col); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// define makes the collectors.
func (m *Metrics) define(buckets []float64) {
	nsEvent := []string{"namespace", "event"}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "socketeer", Name: name, Help: help}, labels)
	}
	m.sockets = prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "socketeer", Name: "sockets_connected",
		Help: "Sockets connected to each namespace on this node."}, []string{"namespace"})
	m.sessions = counter("engine_sessions_opened_total", "Engine.IO sessions opened.")
	m.closes = counter("engine_sessions_closed_total", "Engine.IO sessions closed, by reason.", "reason")
	m.slow = prometheus.NewCounter(prometheus.CounterOpts{Namespace: "socketeer", Name: "slow_consumer_disconnects_total",
		Help: "Connections closed because their outgoing queue was full."})
	m.received = counter("events_received_total", "Event packets received, by namespace and event name.", nsEvent...)
	m.sent = counter("events_sent_total", "Event packets emitted (a broadcast counts once), by namespace and event name.", nsEvent...)
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "socketeer", Name: "handler_duration_seconds",
		Help: "Time spent in event and connect handlers, middleware included.", Buckets: buckets}, nsEvent)
	m.handlerErrors = counter("handler_errors_total", "Handlers that returned an error or panicked.", nsEvent...)
	m.ackTimeouts = counter("ack_timeouts_total", "Acknowledgements that did not come in time.", "namespace")
	m.bytes = counter("bytes_total", "Bytes of Socket.IO messages, by direction (in, out).", "direction")
	m.messages = counter("messages_total", "Socket.IO messages (packets and binary attachments), by direction.", "direction")
	m.recovery = counter("recovery_attempts_total", "Connection state recovery attempts, by result (recovered, failed).", "namespace", "result")
	m.adapterErrors = counter("adapter_errors_total", "Adapter failures: kind publish (a message to the other nodes was lost) or timeout (a request to them was not answered).", "namespace", "kind")
	m.transports = &transportCollector{desc: prometheus.NewDesc("socketeer_engine_sessions",
		"Connections joined to a namespace, by current transport.", []string{"transport"}, nil)}
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.sockets, m.sessions, m.closes, m.slow, m.received, m.sent, m.duration,
		m.handlerErrors, m.ackTimeouts, m.bytes, m.messages, m.recovery, m.adapterErrors, m.transports}
}

// Attach gives the metrics what they read from the app at scrape time.
func (m *Metrics) Attach(h Host) { m.transports.set(h.Transports) }

// Handler serves the registry the collectors are in, when it can be
// gathered.
func (m *Metrics) Handler() http.Handler {
	if m.gatherer == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "socketeer/metrics: the Registerer is not a Gatherer; serve its registry", http.StatusNotImplemented)
		})
	}
	return promhttp.HandlerFor(m.gatherer, promhttp.HandlerOpts{})
}

// of returns the series of an event, its name replaced by OtherEvent past
// the cap on names per namespace.
func (m *Metrics) of(nsp, event string) *eventSeries {
	key := nsp + "\x00" + event
	if s, ok := m.series.Load(key); ok {
		return s.(*eventSeries)
	}
	m.mu.Lock()
	names := m.events[nsp]
	if names == nil {
		names = make(map[string]struct{})
		m.events[nsp] = names
	}
	label := event
	if _, ok := names[event]; !ok {
		if len(names) >= m.maxEvents {
			label = OtherEvent
		} else {
			names[event] = struct{}{}
		}
	}
	m.mu.Unlock()
	s := &eventSeries{received: m.received.WithLabelValues(nsp, label), sent: m.sent.WithLabelValues(nsp, label),
		errors: m.handlerErrors.WithLabelValues(nsp, label), duration: m.duration.WithLabelValues(nsp, label)}
	if label == event {
		got, _ := m.series.LoadOrStore(key, s)
		return got.(*eventSeries)
	}
	return s
}

func (m *Metrics) SessionOpened() { m.sessions.WithLabelValues().Inc() }

func (m *Metrics) SessionClosed(reason string) {
	m.closes.WithLabelValues(reason).Inc()
	if reason == engine.ReasonSlowConsumer {
		m.slow.Inc()
	}
}

func (m *Metrics) Connected(s *nsrt.Socket) { m.sockets.WithLabelValues(s.Runtime().Name()).Inc() }

func (m *Metrics) Disconnected(s *nsrt.Socket, _ string) {
	m.sockets.WithLabelValues(s.Runtime().Name()).Dec()
}

func (m *Metrics) Received(s *nsrt.Socket, event string, _ []json.RawMessage) {
	m.of(s.Runtime().Name(), event).received.Inc()
}

func (m *Metrics) Sent(nsp, _ string, data []byte) {
	event, _, err := protocol.SplitEvent(data)
	if err == nil {
		m.of(nsp, event).sent.Inc()
	}
}

func (m *Metrics) Handled(nsp, event string, d time.Duration, err error) {
	s := m.of(nsp, event)
	s.duration.Observe(d.Seconds())
	if err != nil {
		s.errors.Inc()
	}
}

func (m *Metrics) RoomJoined(string, string, string) {}

func (m *Metrics) RoomLeft(string, string, string) {}

func (m *Metrics) Bytes(in bool, n int) {
	dir := "out"
	if in {
		dir = "in"
	}
	m.bytes.WithLabelValues(dir).Add(float64(n))
	m.messages.WithLabelValues(dir).Inc()
}

func (m *Metrics) AckTimeout(nsp string) { m.ackTimeouts.WithLabelValues(nsp).Inc() }

func (m *Metrics) Recovery(nsp string, recovered bool) {
	result := "failed"
	if recovered {
		result = "recovered"
	}
	m.recovery.WithLabelValues(nsp, result).Inc()
}

func (m *Metrics) AdapterError(nsp, kind string) { m.adapterErrors.WithLabelValues(nsp, kind).Inc() }

// transportCollector reports the connections by transport at scrape time.
type transportCollector struct {
	desc *prometheus.Desc
	mu   sync.Mutex
	fn   func() map[string]int
}

func (t *transportCollector) set(fn func() map[string]int) {
	t.mu.Lock()
	t.fn = fn
	t.mu.Unlock()
}

func (t *transportCollector) Describe(ch chan<- *prometheus.Desc) { ch <- t.desc }

func (t *transportCollector) Collect(ch chan<- prometheus.Metric) {
	t.mu.Lock()
	fn := t.fn
	t.mu.Unlock()
	counts := map[string]int{"polling": 0, "websocket": 0}
	if fn != nil {
		for k, v := range fn() {
			counts[k] = v
		}
	}
	for k, v := range counts {
		ch <- prometheus.MustNewConstMetric(t.desc, prometheus.GaugeValue, float64(v), k)
	}
}
