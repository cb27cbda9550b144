package dispatch

import (
	"context"
	"fmt"
	"reflect"

	"github.com/socketeer/socketeer/router"
)

// Call is a compiled event handler for code outside the server, such as
// the client: it decodes and validates the args of ev into the handler's
// parameters, calls it with ctx and sock (when its signature takes them)
// and returns its results as the ack. A panic is not recovered.
type Call func(ctx context.Context, sock reflect.Value, ev *router.Event, v router.Validator) (router.Result, error)

// CompileHandler checks fn, an event handler, with the server's rules and
// returns its Call. The first parameter after an optional context.Context
// must be of type sock; when sock is nil the handler takes no socket. name
// (Type.Method, or a description such as `handler of "chat"`) heads the
// error, which wraps errors.ErrRegistration.
func CompileHandler(name string, fn reflect.Value, sock reflect.Type) (Call, error) {
	sig, err := checkSignature(fn.Type(), sock, true)
	if err != nil {
		return nil, registrationErr(name, fmt.Sprintf("has signature %s: %v", fn.Type(), err), allowedFor(sock))
	}
	return func(ctx context.Context, sv reflect.Value, ev *router.Event, v router.Validator) (router.Result, error) {
		return sig.invoke(fn, ctx, sv, ev, v)
	}, nil
}

// allowedFor is allowedEvent for handlers whose socket is of type sock.
func allowedFor(sock reflect.Type) string {
	s := ""
	if sock != nil {
		s = " s " + sock.String() + ","
	}
	return "allowed: func([ctx context.Context,]" + s + " args...) with args of JSON-decodable types " +
		"(the last may be ...json.RawMessage or ...any), returning nothing, error, ack values, or ack values and a final error"
}
