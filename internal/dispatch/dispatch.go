package dispatch

import (
	"context"
	"encoding/json"
	"runtime/debug"
	"sync"
	"time"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/protocol"
	"github.com/socketeer/socketeer/router"
)

// event dispatches one EVENT packet to its handler. It runs in OnMessage,
// on the session's dispatcher (one pooled goroutine at a time per
// connection, fed by the reader through a bounded inbox), so the events of
// a socket are handled in order and a connection is read no further ahead
// than the inbox holds. name and args are the packet's, split once by
// handle.
func (c *client) event(s *nsrt.Socket, p *protocol.Packet, name string, args []json.RawMessage) {
	rt := c.r.namespaces[p.Namespace]
	if o := c.r.opts.Observer; o != nil {
		o.Received(s, name, args)
	}
	// Without middleware no user code is handed the router.Event (handlers
	// get its args, never the struct), so it is pooled; middleware may keep
	// it, so then it is allocated per event.
	var ev *router.Event
	if rt.bare {
		ev = eventPool.Get().(*router.Event)
	} else {
		ev = new(router.Event)
	}
	*ev = router.Event{Namespace: p.Namespace, Name: name, Args: args, Attachments: p.Attachments, AckID: p.ID}
	res, err := rt.event(s.Context(), pub(s), ev)
	id := ev.AckID
	if rt.bare {
		*ev = router.Event{}
		eventPool.Put(ev)
	}
	if errors.Is(err, errNoHandler) {
		return // unknown events are ignored, as in socket.io
	}
	if err != nil {
		v := c.r.handleError(rt, pub(s), name, err)
		if id != protocol.NoID {
			if v == nil {
				s.SendAck(id, nil)
			} else {
				s.SendAck(id, []any{v})
			}
		}
		return
	}
	if id == protocol.NoID {
		return
	}
	if res.Raw != nil {
		s.SendAckRaw(id, res.Raw)
		return
	}
	if err := s.SendAck(id, res.Values); err != nil && !errors.Is(err, errors.ErrSocketClosed) {
		c.r.handleError(rt, pub(s), name, err)
	}
}

// eventPool holds the router.Event of events dispatched without
// middleware.
var eventPool = sync.Pool{New: func() any { return new(router.Event) }}

// errNoHandler reports an event that no handler takes.
var errNoHandler = errors.New("socketeer: no handler for event")

// dispatchEvent is the innermost event router.Handler of a namespace: it finds
// the handler method and calls it, turning a panic into an error.
func (r *Router) dispatchEvent(rt *route) router.Handler {
	return func(ctx context.Context, s *namespace.Socket, ev *router.Event) (res router.Result, err error) {
		h := rt.table.events[ev.Name]
		if h == nil {
			h = rt.table.catchAll
		}
		if h == nil {
			return router.Result{}, errNoHandler
		}
		return r.call(ctx, h, s, ev)
	}
}

// call runs a handler with panic recovery, timing and tracing.
func (r *Router) call(ctx context.Context, h *handler, s *namespace.Socket, ev *router.Event) (res router.Result, err error) {
	tr := r.opts.Tracer
	var start time.Time
	if tr != nil {
		start = time.Now()
		defer tr.Watch(s.ID(), ev.Namespace, ev.Name, h.name)()
	}
	obs := r.opts.Observer
	if obs != nil && tr == nil {
		start = time.Now()
	}
	defer func() {
		if v := recover(); v != nil {
			stack := debug.Stack()
			tr.Panic(s.ID(), ev.Namespace, ev.Name, v, stack)
			err = &errors.PanicError{Event: ev.Name, Value: v, Stack: stack}
		}
		if tr != nil {
			tr.Handler(s.ID(), ev.Namespace, ev.Name, h.name, time.Since(start), err)
		}
		if obs != nil {
			obs.Handled(ev.Namespace, ev.Name, time.Since(start), err)
		}
	}()
	return h.call(ctx, s, ev, r.opts.Validator)
}

// dispatchConnect is the innermost connect router.Handler: OnConnect, if any.
func (r *Router) dispatchConnect(rt *route) router.Handler {
	return func(ctx context.Context, s *namespace.Socket, ev *router.Event) (router.Result, error) {
		if rt.table.connect == nil {
			return router.Result{}, nil
		}
		return r.call(ctx, rt.table.connect, s, ev)
	}
}

// runConnect runs the connect chain (middleware, then OnConnect).
func (r *Router) runConnect(rt *route, s *nsrt.Socket, auth json.RawMessage) error {
	if len(auth) == 0 {
		auth = json.RawMessage("{}")
	}
	ev := router.Event{Namespace: rt.rt.Name(), Name: "connect", Args: []json.RawMessage{auth}, AckID: protocol.NoID}
	h := rt.connect
	if s.Recovered() {
		h = rt.recovered
	}
	_, err := h(s.Context(), pub(s), &ev)
	if tr := r.opts.Tracer; tr != nil {
		tr.Connect(s.ID(), s.EngineID(), rt.rt.Name(), auth, s.Address(), err)
	}
	if err != nil {
		r.handleError(rt, pub(s), "connect", err)
	}
	return err
}

// runDisconnect runs OnDisconnect, recovering a panic.
func (r *Router) runDisconnect(rt *route, s *nsrt.Socket, reason string) {
	if rt == nil || rt.table.disconnect == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			stack := debug.Stack()
			r.opts.Tracer.Panic(s.ID(), rt.rt.Name(), "disconnect", v, stack)
			r.handleError(rt, pub(s), "disconnect", &errors.PanicError{Event: "disconnect", Value: v, Stack: stack})
		}
	}()
	rt.table.disconnect(s.Context(), pub(s), reason)
}

// handleError passes err to the namespace's OnError, else to the app's,
// else to the built-in handler, and returns the ack value to send.
func (r *Router) handleError(rt *route, s *namespace.Socket, event string, err error) (v any) {
	h := rt.table.onError
	if h == nil {
		h = r.opts.OnError
	}
	if h == nil {
		return r.defaultError(s, event, err)
	}
	defer func() {
		if p := recover(); p != nil {
			r.opts.Logf("socketeer: error handler for %q panicked: %v", event, p)
			v = r.defaultError(s, event, err)
		}
	}()
	return h(s, event, err)
}

// defaultError logs err and returns the wire error, without internal text
// unless debug is on.
func (r *Router) defaultError(s *namespace.Socket, event string, err error) any {
	r.opts.Logf("socketeer: %s %s event %q: %v", s.Namespace().Name(), s.ID(), event, err)
	return errors.Wire(err, r.opts.Debug)
}
