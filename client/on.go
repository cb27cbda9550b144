package client

import (
	"encoding/json"
	"fmt"
	"runtime/debug"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/eioclient"
	"github.com/socketeer/socketeer/protocol"
	"github.com/socketeer/socketeer/router"
)

// On sets the handler of event, replacing any previous one. fn is checked
// now and On returns an error wrapping errors.ErrRegistration if its
// signature is not one of
//
//	func([ctx context.Context,] a A, b B, ...) [R1, R2, ...] [error]
//	func([ctx context.Context,] a A, ..., rest ...any) ...
//	func([ctx context.Context,] a A, ..., rest ...json.RawMessage) ...
//
// Each arg is decoded from JSON into the parameter's type (binary
// attachments into []byte, also inside an any) and validated when the
// type has validate tags, by the server's code (internal/dispatch) and
// with its rule: the args must match the parameters in number (at least
// the fixed ones when the last is variadic), or the handler does not run
// and OnError gets a *errors.DecodeError (errors.ErrArgs). When the server asked for an acknowledgement, the results
// (without the error) are its args: an Args result is spread; a handler
// returning a non-nil error acknowledges with {"error": {...}} as a
// Socketeer server does (errors.Wire). ctx ends when the Manager closes.
// Reserved names (connect, disconnect, ...) have their own methods.
func (s *Socket) On(event string, fn any) error {
	if protocol.ReservedEvent(event) {
		return fmt.Errorf("%w: %w: %q has its own method (OnConnect, OnDisconnect, OnConnectError)",
			errors.ErrRegistration, errors.ErrReservedEvent, event)
	}
	inv, err := compile(event, fn)
	if err != nil {
		return err
	}
	s.update(func(t *table) { t.events[event] = inv })
	return nil
}

// Off removes the handler of event.
func (s *Socket) Off(event string) { s.update(func(t *table) { delete(t.events, event) }) }

// OnConnect sets the callback run each time the socket connects
// (reconnections included), before the handlers of the events that follow.
func (s *Socket) OnConnect(fn func()) { s.update(func(t *table) { t.connect = fn }) }

// OnDisconnect sets the callback run each time the socket disconnects,
// with the reason: ReasonServerDisconnect, ReasonClientDisconnect, or the
// connection's ("transport close", "transport error", "ping timeout",
// "parse error").
func (s *Socket) OnDisconnect(fn func(reason string)) {
	s.update(func(t *table) { t.disconnect = fn })
}

// OnConnectError sets the callback run when a connection attempt fails:
// with a *ConnectError when the server refused the namespace, or with the
// transport's error.
func (s *Socket) OnConnectError(fn func(err error)) {
	s.update(func(t *table) { t.connectError = fn })
}

// OnError sets the callback that receives the errors of handlers: the
// errors they return, args that do not decode (*errors.DecodeError) and
// recovered panics (*errors.PanicError). Without it they are dropped.
func (s *Socket) OnError(fn func(event string, err error)) {
	s.update(func(t *table) { t.onError = fn })
}

// update replaces the table with a changed copy.
func (s *Socket) update(change func(t *table)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.table.Load()
	t := *old
	t.events = make(map[string]invoker, len(old.events)+1)
	for k, v := range old.events {
		t.events[k] = v
	}
	change(&t)
	s.table.Store(&t)
}

func (s *Socket) callConnect() {
	s.q.push(func() {
		if fn := s.table.Load().connect; fn != nil {
			s.safely("connect", fn)
		}
	})
}

func (s *Socket) callDisconnect(reason string) {
	s.q.push(func() {
		if fn := s.table.Load().disconnect; fn != nil {
			s.safely("disconnect", func() { fn(reason) })
		}
	})
}

func (s *Socket) callConnectError(err error) {
	s.q.push(func() {
		if fn := s.table.Load().connectError; fn != nil {
			s.safely("connect_error", func() { fn(err) })
		}
	})
}

// safely runs a callback, turning a panic into an error for OnError.
func (s *Socket) safely(event string, fn func()) {
	defer func() {
		if v := recover(); v != nil {
			s.report(event, &errors.PanicError{Event: event, Value: v, Stack: debug.Stack()})
		}
	}()
	fn()
}

// report hands a handler's error to the OnError callback.
func (s *Socket) report(event string, err error) {
	if fn := s.table.Load().onError; fn != nil {
		s.safely("error", func() { fn(event, err) })
	}
}

// dispatch runs the handler of an event that arrived on conn, on the
// socket's handler goroutine, and sends the acknowledgement if the server
// asked for one. An event without a handler is dropped, unacknowledged.
func (s *Socket) dispatch(conn *eioclient.Conn, name string, args []json.RawMessage, atts [][]byte, id int64) {
	inv := s.table.Load().events[name]
	if inv == nil {
		return
	}
	ev := router.Event{Namespace: s.nsp, Name: name, Args: args, Attachments: atts, AckID: id}
	vals, err := s.run(inv, &ev)
	if err != nil {
		s.report(name, err)
		vals = []any{errors.Wire(err, false)}
	}
	if id == protocol.NoID {
		return
	}
	s.sendAck(conn, id, name, vals)
}

// sendAck acknowledges event id with vals, if the socket is still
// connected on the connection the event came from.
func (s *Socket) sendAck(conn *eioclient.Conn, id int64, event string, vals []any) {
	data, atts, err := protocol.AppendArgs(nil, vals)
	if err != nil {
		s.report(event, fmt.Errorf("socketeer: encoding the ack of %q: %w", event, err))
		return
	}
	packets, err := s.encode(protocol.Ack, id, data, atts)
	if err != nil {
		s.report(event, fmt.Errorf("socketeer: encoding the ack of %q: %w", event, err))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.connected && s.sentOn == conn {
		conn.Send(packets...)
	}
}
