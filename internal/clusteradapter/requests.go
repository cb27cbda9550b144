package clusteradapter

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/rediswire"
)

// request is a FETCH_SOCKETS or SERVER_SIDE_EMIT of this node waiting for
// one answer per other node.
type request struct {
	expected int // answers awaited
	answered int
	sockets  []adapter.SocketInfo // FETCH_SOCKETS: the local ones first
	answers  [][]json.RawMessage  // SERVER_SIDE_EMIT
	done     chan struct{}
	finished bool
}

// finish wakes the requester once; a.mu is held.
func (r *request) finish() {
	if !r.finished {
		r.finished = true
		close(r.done)
	}
}

// remoteNodes returns how many other nodes serve the namespace.
func (a *Adapter) remoteNodes(ctx context.Context) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, a.opts.RequestsTimeout)
	defer cancel()
	n, err := a.t.ServerCount(ctx)
	if err != nil {
		return 0, fmt.Errorf("%w: counting nodes: %w", errors.ErrAdapter, err)
	}
	return n - 1, nil
}

// ask publishes m as a request and waits for r's answers, at most
// Options.RequestsTimeout or until ctx ends.
func (a *Adapter) ask(ctx context.Context, m *Message, r *request) error {
	id := RandomID()
	m.Data.RequestID = id
	r.done = make(chan struct{})
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return a.opts.ErrClosed
	}
	a.requests[id] = r
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.requests, id)
		a.mu.Unlock()
	}()
	if _, err := a.publish(m); err != nil {
		return err
	}
	timer := time.NewTimer(a.opts.RequestsTimeout)
	defer timer.Stop()
	var err error
	select {
	case <-r.done:
	case <-timer.C:
		err = fmt.Errorf("%w after %v", a.opts.ErrTimeout, a.opts.RequestsTimeout)
	case <-ctx.Done():
		err = fmt.Errorf("%w: %w", a.opts.ErrTimeout, ctx.Err())
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err == nil && r.answered < r.expected {
		err = a.opts.ErrClosed
	}
	if err != nil {
		return fmt.Errorf("%w (%d of %d nodes answered)", err, r.answered, r.expected)
	}
	return nil
}

// FetchSockets describes the selected sockets of every node. When some
// nodes do not answer in time, it returns what came with an error
// wrapping Options.ErrTimeout.
func (a *Adapter) FetchSockets(ctx context.Context, o adapter.Options) ([]adapter.SocketInfo, error) {
	local, _ := a.Memory.FetchSockets(ctx, o)
	if o.Local {
		return local, nil
	}
	n, err := a.remoteNodes(ctx)
	if err != nil || n <= 0 {
		return local, err
	}
	r := &request{expected: n, sockets: local}
	err = a.ask(ctx, &Message{Type: FetchSockets, Data: &Data{Opts: options(o.Rooms, o.Except, false)}}, r)
	a.mu.Lock()
	defer a.mu.Unlock()
	return r.sockets, err
}

// ServerSideEmitWithAck sends event to the namespace on every other node
// and returns each node's answer (the argument its handler acknowledged
// with, as Node passes one), in arrival order.
func (a *Adapter) ServerSideEmitWithAck(ctx context.Context, event string, args []json.RawMessage) ([][]json.RawMessage, error) {
	packet, err := eventPacket(event, args)
	if err != nil {
		return nil, err
	}
	n, err := a.remoteNodes(ctx)
	if err != nil || n <= 0 {
		return nil, err
	}
	r := &request{expected: n}
	err = a.ask(ctx, &Message{Type: ServerSideEmit, Data: &Data{Packet: packet}}, r)
	a.mu.Lock()
	defer a.mu.Unlock()
	return r.answers, err
}

// onRequestResponse adds a FETCH_SOCKETS_RESPONSE or a
// SERVER_SIDE_EMIT_RESPONSE to its request.
func (a *Adapter) onRequestResponse(m *Message) {
	var sockets []adapter.SocketInfo
	var answer []json.RawMessage
	if m.Type == FetchSocketsResponse {
		if m.Data.Sockets == nil {
			a.Logf("fetchSockets response without sockets from %s", m.UID)
			return
		}
		sockets = a.socketsOf(*m.Data.Sockets)
	} else {
		raw, err := rediswire.ToJSON(m.Data.Packet)
		if err != nil {
			a.Logf("serverSideEmit response: %v", err)
			raw = json.RawMessage("null")
		}
		answer = []json.RawMessage{raw}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.requests[m.Data.RequestID]
	if r == nil || r.finished {
		return // another node's, or too late
	}
	r.answered++
	r.sockets = append(r.sockets, sockets...)
	if answer != nil {
		r.answers = append(r.answers, answer)
	}
	if r.answered >= r.expected {
		r.finish()
	}
}

// socketsOf reads the sockets of a FETCH_SOCKETS_RESPONSE.
func (a *Adapter) socketsOf(vs []any) []adapter.SocketInfo {
	out := make([]adapter.SocketInfo, 0, len(vs))
	for _, v := range vs {
		raw, err := rediswire.ToJSON(v)
		if err == nil {
			var si adapter.SocketInfo
			if si, err = rediswire.FromSocket(raw); err == nil {
				out = append(out, si)
				continue
			}
		}
		a.Logf("fetchSockets response: %v", err)
	}
	return out
}

// answerFetch answers a FETCH_SOCKETS with the selected local sockets.
func (a *Adapter) answerFetch(m *Message) {
	sockets := []any{}
	var err error
	a.Memory.Select(localOptions(m.Data.Opts), func(s adapter.Socket) {
		var v any
		if v, err = genericSocket(s.Info()); err == nil {
			sockets = append(sockets, v)
		}
	})
	if err != nil {
		a.Logf("fetchSockets: %v", err)
	}
	a.respond(m.UID, &Message{Type: FetchSocketsResponse, Data: &Data{RequestID: m.Data.RequestID, Sockets: &sockets}})
}

// genericSocket returns Node's description of si as generic values, which
// both JSON and msgpack encode as Node does.
func genericSocket(si adapter.SocketInfo) (any, error) {
	raw, err := json.Marshal(rediswire.ToSocket(si))
	if err != nil {
		return nil, err
	}
	return rediswire.FromJSON(raw)
}

// onServerSideEmit passes [event, ...args] to the local namespace; with a
// request id, the namespace's answer (when its Local implements
// adapter.LocalAcker) goes back to the requesting node, once.
func (a *Adapter) onServerSideEmit(m *Message) {
	vs, ok := m.Data.Packet.([]any)
	if !ok || len(vs) == 0 {
		a.Logf("malformed serverSideEmit from %s", m.UID)
		return
	}
	event, ok := vs[0].(string)
	if !ok {
		a.Logf("serverSideEmit event name is %T", vs[0])
		return
	}
	args, err := toArgs(vs[1:])
	if err != nil {
		a.Logf("serverSideEmit %q: %v", event, err)
		return
	}
	acker, ok := a.local.(adapter.LocalAcker)
	if m.Data.RequestID == "" || !ok {
		a.local.ServerSideEvent(event, args)
		return
	}
	uid, id := m.UID, m.Data.RequestID
	var once sync.Once
	acker.ServerSideEventWithAck(event, args, func(ack []json.RawMessage) {
		once.Do(func() { a.answerServerSideEmit(uid, id, ack) })
	})
}

// answerServerSideEmit sends the first ack argument, as Node keeps one.
func (a *Adapter) answerServerSideEmit(uid, id string, ack []json.RawMessage) {
	arg, err := rediswire.FirstArg(ack)
	if err != nil {
		a.Logf("serverSideEmit ack: %v", err)
	}
	a.respond(uid, &Message{Type: ServerSideEmitResponse, Data: &Data{RequestID: id, Packet: arg}})
}

// localOptions returns the adapter options of received wire options, kept
// on this node.
func localOptions(o *rediswire.Options) adapter.Options {
	return adapter.Options{Rooms: o.Rooms, Except: o.Except, Local: true, Volatile: o.Volatile()}
}
