package dispatch

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

const allowedConnect = "allowed: func([ctx context.Context,] s *namespace.Socket[, auth T]) [error]"

// compileConnect checks OnConnect: the auth payload may be decoded into a
// typed parameter, and a returned error refuses the connection.
func compileConnect(typeName, method string, fn reflect.Value) (*handler, error) {
	ft := fn.Type()
	sig, err := checkSignature(ft, typeSocket, false)
	if err == nil && (len(sig.params) > 1 || sig.variadic) {
		err = fmt.Errorf("it takes at most one parameter (the auth payload) after the socket")
	}
	if err != nil {
		return nil, registrationErr(typeName+"."+method, fmt.Sprintf("has signature %s: %v", ft, err), allowedConnect)
	}
	h := &handler{name: typeName + "." + method, event: "connect"}
	if f, ok := fn.Interface().(func(*namespace.Socket) error); ok {
		h.call = func(_ context.Context, s *namespace.Socket, _ *router.Event, _ router.Validator) (router.Result, error) {
			return router.Result{}, f(s)
		}
		return h, nil
	}
	call := sig.reflectCall(fn)
	h.call = func(ctx context.Context, s *namespace.Socket, ev *router.Event, v router.Validator) (router.Result, error) {
		if len(sig.params) == 0 { // the auth payload is not wanted
			ev = &router.Event{Namespace: ev.Namespace, Name: ev.Name, AckID: ev.AckID}
		}
		return call(ctx, s, ev, v)
	}
	return h, nil
}

const allowedDisconnect = "allowed: func([ctx context.Context,] s *namespace.Socket[, reason string])"

func (t *Table) compileDisconnect(method string, fn reflect.Value) error {
	switch f := fn.Interface().(type) {
	case func(*namespace.Socket):
		t.disconnect = func(_ context.Context, s *namespace.Socket, _ string) { f(s) }
	case func(*namespace.Socket, string):
		t.disconnect = func(_ context.Context, s *namespace.Socket, r string) { f(s, r) }
	case func(context.Context, *namespace.Socket):
		t.disconnect = func(ctx context.Context, s *namespace.Socket, _ string) { f(ctx, s) }
	case func(context.Context, *namespace.Socket, string):
		t.disconnect = f
	default:
		return registrationErr(t.typeName+"."+method, fmt.Sprintf("has signature %s", fn.Type()), allowedDisconnect)
	}
	return nil
}

const allowedError = "allowed: func(s *namespace.Socket, event string, err error) [T] — the result, if any, is the ack"

func (t *Table) compileError(method string, fn reflect.Value) error {
	ft := fn.Type()
	ok := ft.NumIn() == 3 && ft.In(0) == typeSocket && ft.In(1) == typeString && ft.In(2) == typeError &&
		!ft.IsVariadic() && ft.NumOut() <= 1
	if ok && ft.NumOut() == 1 && encodable(ft.Out(0)) != nil {
		ok = false
	}
	if !ok {
		return registrationErr(t.typeName+"."+method, fmt.Sprintf("has signature %s", ft), allowedError)
	}
	switch f := fn.Interface().(type) {
	case func(*namespace.Socket, string, error) any:
		t.onError = f
	case func(*namespace.Socket, string, error):
		t.onError = func(s *namespace.Socket, ev string, err error) any { f(s, ev, err); return nil }
	default:
		t.onError = func(s *namespace.Socket, ev string, err error) any {
			out := fn.Call([]reflect.Value{reflect.ValueOf(s), reflect.ValueOf(ev), reflect.ValueOf(&err).Elem()})
			if len(out) == 1 {
				return out[0].Interface()
			}
			return nil
		}
	}
	return nil
}

const allowedAny = "allowed: func([ctx context.Context,] s *namespace.Socket, event string, args []json.RawMessage) with the results of an event handler"

// compileCatchAll checks OnAny, which receives the events no method claims.
func compileCatchAll(typeName, method string, fn reflect.Value) (*handler, error) {
	ft := fn.Type()
	sig, err := checkSignature(ft, typeSocket, true)
	if err == nil && (len(sig.params) != 2 || sig.params[0] != typeString || sig.params[1] != typeRawSlice || sig.variadic) {
		err = fmt.Errorf("it must take the event name and the raw args")
	}
	if err != nil {
		return nil, registrationErr(typeName+"."+method, fmt.Sprintf("has signature %s: %v", ft, err), allowedAny)
	}
	h := &handler{name: typeName + "." + method, event: "*"}
	h.call = func(ctx context.Context, s *namespace.Socket, ev *router.Event, _ router.Validator) (router.Result, error) {
		in := make([]reflect.Value, 0, 4)
		if sig.ctx {
			in = append(in, reflect.ValueOf(&ctx).Elem())
		}
		args, err := inlineArgs(ev, ev.Args)
		if err != nil {
			return router.Result{}, err
		}
		in = append(in, reflect.ValueOf(s), reflect.ValueOf(ev.Name), reflect.ValueOf(args))
		return sig.collect(fn.Call(in))
	}
	return h, nil
}

const allowedServerSide = "allowed: func(event string, args []json.RawMessage) [T] [error] — the result, if any, answers ServerSideEmitWithAck"

// compileServerSide checks OnServerSideEmit, which receives the events
// other nodes send with Namespace.ServerSideEmit. Its result, if any, is
// the answer to a ServerSideEmitWithAck; a non-nil error means no answer.
func (t *Table) compileServerSide(method string, fn reflect.Value) error {
	ft := fn.Type()
	ok := ft.NumIn() == 2 && ft.In(0) == typeString && ft.In(1) == typeRawSlice && !ft.IsVariadic() && ft.NumOut() <= 2
	if ok && ft.NumOut() == 2 {
		ok = ft.Out(0) != typeError && ft.Out(1) == typeError
	}
	if ok && ft.NumOut() > 0 && ft.Out(0) != typeError {
		ok = encodable(ft.Out(0)) == nil
	}
	if !ok {
		return registrationErr(t.typeName+"."+method, fmt.Sprintf("has signature %s", ft), allowedServerSide)
	}
	if f, plain := fn.Interface().(func(string, []json.RawMessage)); plain {
		t.serverSide = func(event string, args []json.RawMessage) ([]json.RawMessage, error) {
			f(event, args)
			return nil, nil
		}
		return nil
	}
	t.serverSide = func(event string, args []json.RawMessage) ([]json.RawMessage, error) {
		return serverSideAnswer(event, fn.Call([]reflect.Value{reflect.ValueOf(event), reflect.ValueOf(args)}))
	}
	return nil
}

// serverSideAnswer turns the results of an OnServerSideEmit into its
// answer: nil when it returned an error or has no value result.
func serverSideAnswer(event string, out []reflect.Value) ([]json.RawMessage, error) {
	if len(out) == 0 {
		return nil, nil
	}
	if last := out[len(out)-1]; last.Type() == typeError {
		if !last.IsNil() {
			return nil, last.Interface().(error)
		}
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(out[0].Interface())
	if err != nil {
		return nil, fmt.Errorf("%w: answer to server-side event %q: %w", errors.ErrEncode, event, err)
	}
	return []json.RawMessage{b}, nil
}

const allowedRecoveryExpired = "allowed: func(id string, data map[string]any)"

// compileRecoveryExpired checks OnRecoveryExpired, which learns of the
// sockets whose recovery window passed (or whose recovery was refused), so
// that an app can drop what it kept for them, such as presence.
func (t *Table) compileRecoveryExpired(method string, fn reflect.Value) error {
	f, ok := fn.Interface().(func(string, map[string]any))
	if !ok {
		return registrationErr(t.typeName+"."+method, fmt.Sprintf("has signature %s", fn.Type()), allowedRecoveryExpired)
	}
	t.recoveryExpired = f
	return nil
}
