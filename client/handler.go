package client

import (
	"fmt"
	"reflect"
	"runtime/debug"
	"sync"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/router"
)

// invoker is a compiled event handler: the server's compiled call
// (internal/dispatch), so that handlers are checked, decoded and validated
// by one implementation on both ends of the wire.
type invoker = dispatch.Call

// typeSocket is the socket parameter of handler methods.
var typeSocket = reflect.TypeFor[*Socket]()

// defaultValidator is the Validator used when Options.Validator is nil,
// built once for every Manager of the process.
var defaultValidator = sync.OnceValue(router.NewValidator)

// compile checks fn, a handler set with On, which takes no socket. Errors
// wrap errors.ErrRegistration and name the event.
func compile(event string, fn any) (invoker, error) {
	name := fmt.Sprintf("handler of %q", event)
	v := reflect.ValueOf(fn)
	if fn == nil || v.Kind() != reflect.Func || v.IsNil() {
		return nil, fmt.Errorf("%w: %s is %T, not a func", errors.ErrRegistration, name, fn)
	}
	return dispatch.CompileHandler(name, v, nil)
}

// Register sets the handlers of the struct v points to, as a server's
// Register does: each exported method named On<Event> handles the event
// router.EventName derives from its name (OnChatMessage → "chat_message"),
// or the name v's EventNames method maps it to. Their signatures are
//
//	func([ctx context.Context,] s *client.Socket, args...) [R1, ...] [error]
//
// with the rules of On: args decoded into the parameters' types and
// validated when they carry validate tags (Options.Validator), results
// sent as the ack. Four names are callbacks instead:
//
//	OnConnect(s *client.Socket)
//	OnDisconnect(s *client.Socket, reason string)
//	OnConnectError(s *client.Socket, err error)
//	OnError(s *client.Socket, event string, err error)
//
// Every method is checked now; Register returns all problems at once,
// each naming Type.Method and wrapping errors.ErrRegistration, and then
// sets nothing. Handlers already set for other events stay.
func (s *Socket) Register(v any) error {
	events := map[string]invoker{}
	var cbs []func(t *table)
	special := func(typeName, method string, fn reflect.Value) (bool, error) {
		cb, taken, err := s.callback(typeName, method, fn)
		if cb != nil {
			cbs = append(cbs, cb)
		}
		return taken, err
	}
	err := dispatch.Walk(v, nil, special, func(typeName, method, event string, fn reflect.Value) error {
		call, err := dispatch.CompileHandler(typeName+"."+method, fn, typeSocket)
		events[event] = call
		return err
	})
	if err != nil {
		return err
	}
	s.update(func(t *table) {
		for name, call := range events {
			t.events[name] = call
		}
		for _, cb := range cbs {
			cb(t)
		}
	})
	return nil
}

// callback compiles the callback methods Register reserves.
func (s *Socket) callback(typeName, method string, fn reflect.Value) (func(*table), bool, error) {
	var (
		cb      func(*table)
		allowed string
	)
	switch method {
	case "OnConnect":
		allowed = "func(s *client.Socket)"
		if f, ok := fn.Interface().(func(*Socket)); ok {
			cb = func(t *table) { t.connect = func() { f(s) } }
		}
	case "OnDisconnect":
		allowed = "func(s *client.Socket, reason string)"
		if f, ok := fn.Interface().(func(*Socket, string)); ok {
			cb = func(t *table) { t.disconnect = func(r string) { f(s, r) } }
		}
	case "OnConnectError":
		allowed = "func(s *client.Socket, err error)"
		if f, ok := fn.Interface().(func(*Socket, error)); ok {
			cb = func(t *table) { t.connectError = func(err error) { f(s, err) } }
		}
	case "OnError":
		allowed = "func(s *client.Socket, event string, err error)"
		if f, ok := fn.Interface().(func(*Socket, string, error)); ok {
			cb = func(t *table) { t.onError = func(ev string, err error) { f(s, ev, err) } }
		}
	default:
		return nil, false, nil
	}
	if cb == nil {
		return nil, true, fmt.Errorf("%w: %s.%s has signature %s; allowed: %s",
			errors.ErrRegistration, typeName, method, fn.Type(), allowed)
	}
	return cb, true, nil
}

// run calls a compiled handler for event ev, turning a panic into a
// *errors.PanicError, and returns the ack values.
func (s *Socket) run(inv invoker, ev *router.Event) (vals []any, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &errors.PanicError{Event: ev.Name, Value: v, Stack: debug.Stack()}
		}
	}()
	res, err := inv(s.m.ctx, reflect.ValueOf(s), ev, s.m.opts.Validator)
	if err != nil || res.Raw == nil {
		return res.Values, err
	}
	vals = make([]any, len(res.Raw))
	for i, raw := range res.Raw {
		vals[i] = raw
	}
	return vals, nil
}
