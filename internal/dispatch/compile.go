package dispatch

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/protocol"
	"github.com/socketeer/socketeer/router"
)

// handler is one compiled handler method.
type handler struct {
	name  string // Type.Method, for errors and the tracer
	event string
	call  func(ctx context.Context, s *namespace.Socket, ev *router.Event, v router.Validator) (router.Result, error)
}

const allowedEvent = "allowed: func([ctx context.Context,] s *namespace.Socket, args...) with args of JSON-decodable types " +
	"(the last may be ...json.RawMessage or ...any), returning nothing, error, ack values, or ack values and a final error"

// compileEvent builds the call of an event handler, without reflect.Call
// for the common fixed shapes.
func compileEvent(typeName, method, event string, fn reflect.Value) (*handler, error) {
	h := &handler{name: typeName + "." + method, event: event}
	if call := fastCall(fn); call != nil {
		h.call = call
		return h, nil
	}
	sig, err := checkSignature(fn.Type(), typeSocket, true)
	if err != nil {
		return nil, registrationErr(typeName+"."+method, fmt.Sprintf("has signature %s: %v", fn.Type(), err), allowedEvent)
	}
	h.call = sig.reflectCall(fn)
	return h, nil
}

// signature is the checked shape of a handler method.
type signature struct {
	sock        reflect.Type   // the socket parameter's type, nil if none
	ctx         bool           // first parameter is a context.Context
	params      []reflect.Type // decoded args after the socket
	validate    []bool         // params[i] carries validate tags
	variadic    bool           // the last param is ...json.RawMessage or ...any
	variadicAny bool           // it is ...any
	results     []reflect.Type // ack values, without the trailing error
	errOut      bool           // the last result is an error
	spread      bool           // the single ack value is namespace.Args or RawArgs
}

// checkSignature checks a handler's parameters and, if ack is true, its
// results. The first parameter after an optional context.Context must be
// of type sock (the server's *namespace.Socket, the client's socket), or
// there is none when sock is nil. It returns what is wrong in words.
func checkSignature(ft reflect.Type, sock reflect.Type, ack bool) (*signature, error) {
	sig := &signature{sock: sock}
	in := 0
	if ft.NumIn() > 0 && ft.In(0) == typeContext {
		sig.ctx = true
		in++
	}
	if sock != nil {
		if ft.NumIn() <= in || ft.In(in) != sock {
			return nil, fmt.Errorf("the first parameter (after an optional context.Context) must be %s", sock)
		}
		in++
	}
	sig.variadic = ft.IsVariadic()
	if sig.variadic {
		last := ft.In(ft.NumIn() - 1)
		sig.variadicAny = last.Elem() == typeAny
		if last != typeRawSlice && !sig.variadicAny {
			return nil, fmt.Errorf("a variadic parameter must be ...json.RawMessage or ...any, found ...%s", last.Elem())
		}
	}
	for i := in; i < ft.NumIn(); i++ {
		pt := ft.In(i)
		if sig.variadic && i == ft.NumIn()-1 {
			break
		}
		if err := decodable(pt, sock); err != nil {
			return nil, fmt.Errorf("parameter %d (%s): %v", i+1, pt, err)
		}
		sig.params = append(sig.params, pt)
		sig.validate = append(sig.validate, hasValidateTags(pt, 0))
	}
	n := ft.NumOut()
	if n > 0 && ft.Out(n-1) == typeError {
		sig.errOut = true
		n--
	}
	for i := range n {
		rt := ft.Out(i)
		if rt == typeError {
			return nil, fmt.Errorf("error must be the last result")
		}
		if !ack {
			return nil, fmt.Errorf("it may only return an error")
		}
		if err := encodable(rt); err != nil {
			return nil, fmt.Errorf("result %d (%s): %v", i+1, rt, err)
		}
		sig.results = append(sig.results, rt)
	}
	sig.spread = len(sig.results) == 1 && (sig.results[0] == typeArgs || sig.results[0] == typeRawArgs)
	return sig, nil
}

// decodable reports why values of t cannot be decoded from JSON.
func decodable(t, sock reflect.Type) error {
	if t == typeSocket || t == typeContext || (sock != nil && t == sock) {
		return fmt.Errorf("only the first parameters may be the context and the socket")
	}
	switch t.Kind() {
	case reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
		return fmt.Errorf("%s values cannot be decoded from JSON", t.Kind())
	case reflect.Interface:
		if t != typeAny && !t.Implements(reflect.TypeFor[json.Unmarshaler]()) {
			return fmt.Errorf("interface parameters must be any")
		}
	case reflect.Pointer:
		return decodable(t.Elem(), sock)
	}
	return nil
}

func encodable(t reflect.Type) error {
	switch t.Kind() {
	case reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
		return fmt.Errorf("%s values cannot be encoded as JSON", t.Kind())
	}
	return nil
}

// hasValidateTags reports whether t (a struct, a pointer to one, or a
// slice or map of them) has a validate tag on any field.
func hasValidateTags(t reflect.Type, depth int) bool {
	if depth > 8 {
		return false
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return hasValidateTags(t.Elem(), depth+1)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if _, ok := f.Tag.Lookup("validate"); ok || hasValidateTags(f.Type, depth+1) {
				return true
			}
		}
	}
	return false
}

// reflectCall builds the generic call: decode each arg into a new value of
// its parameter type, validate it, call the method and collect the ack.
func (sig *signature) reflectCall(fn reflect.Value) func(context.Context, *namespace.Socket, *router.Event, router.Validator) (router.Result, error) {
	return func(ctx context.Context, s *namespace.Socket, ev *router.Event, v router.Validator) (router.Result, error) {
		return sig.invoke(fn, ctx, reflect.ValueOf(s), ev, v)
	}
}

// invoke decodes and validates the args of ev, calls fn with ctx and the
// socket sv (when the signature has them) and collects the ack.
func (sig *signature) invoke(fn reflect.Value, ctx context.Context, sv reflect.Value, ev *router.Event, v router.Validator) (router.Result, error) {
	in, err := sig.decodeArgs(ctx, sv, ev, v)
	if err != nil {
		return router.Result{}, err
	}
	var out []reflect.Value
	if sig.variadic {
		out = fn.CallSlice(in)
	} else {
		out = fn.Call(in)
	}
	return sig.collect(out)
}

func (sig *signature) decodeArgs(ctx context.Context, sv reflect.Value, ev *router.Event, v router.Validator) ([]reflect.Value, error) {
	args := ev.Args
	if len(args) < len(sig.params) || (!sig.variadic && len(args) > len(sig.params)) {
		return nil, &errors.DecodeError{Event: ev.Name, Arg: -1,
			Err: fmt.Errorf("got %d args, the handler takes %s", len(args), sig.arity())}
	}
	in := make([]reflect.Value, 0, len(sig.params)+3)
	if sig.ctx {
		in = append(in, reflect.ValueOf(&ctx).Elem())
	}
	if sig.sock != nil {
		in = append(in, sv)
	}
	for i, pt := range sig.params {
		pv := reflect.New(pt)
		if err := router.DecodeArg(args[i], ev.Attachments, pv.Interface()); err != nil {
			return nil, &errors.DecodeError{Event: ev.Name, Arg: i, Err: err}
		}
		if sig.validate[i] && v != nil {
			if err := v.Validate(pv.Interface()); err != nil {
				if ve, ok := errors.AsType[*errors.ValidationError](err); ok && ve.Event == "" {
					ve.Event = ev.Name
				}
				return nil, err
			}
		}
		in = append(in, pv.Elem())
	}
	if sig.variadic {
		rest, err := sig.variadicArgs(ev, args[len(sig.params):])
		if err != nil {
			return nil, err
		}
		in = append(in, rest)
	}
	return in, nil
}

// variadicArgs builds the final ...json.RawMessage or ...any argument.
func (sig *signature) variadicArgs(ev *router.Event, rest []json.RawMessage) (reflect.Value, error) {
	if sig.variadicAny {
		vals := make([]any, len(rest))
		for i, raw := range rest {
			if err := router.DecodeArg(raw, ev.Attachments, &vals[i]); err != nil {
				return reflect.Value{}, &errors.DecodeError{Event: ev.Name, Arg: len(sig.params) + i, Err: err}
			}
		}
		return reflect.ValueOf(vals), nil
	}
	raw, err := inlineArgs(ev, rest)
	return reflect.ValueOf(raw), err
}

// inlineArgs returns raw args with binary placeholders replaced by base64
// strings, for handlers that take raw JSON.
func inlineArgs(ev *router.Event, args []json.RawMessage) ([]json.RawMessage, error) {
	if len(ev.Attachments) == 0 {
		return args, nil
	}
	out := make([]json.RawMessage, len(args))
	for i, raw := range args {
		inlined, err := protocol.InlineAttachments(raw, ev.Attachments)
		if err != nil {
			return nil, &errors.DecodeError{Event: ev.Name, Arg: i, Err: err}
		}
		out[i] = inlined
	}
	return out, nil
}

func (sig *signature) arity() string {
	if sig.variadic {
		return fmt.Sprintf("at least %d", len(sig.params))
	}
	return fmt.Sprintf("%d", len(sig.params))
}

// collect turns a method's results into ack values and an error.
func (sig *signature) collect(out []reflect.Value) (router.Result, error) {
	if sig.errOut {
		if e := out[len(out)-1]; !e.IsNil() {
			return router.Result{}, e.Interface().(error)
		}
		out = out[:len(out)-1]
	}
	if sig.spread {
		switch a := out[0].Interface().(type) {
		case namespace.Args:
			return router.Result{Values: a}, nil
		case namespace.RawArgs:
			return router.Result{Raw: a}, nil
		}
	}
	ack := make([]any, len(out))
	for i, o := range out {
		ack[i] = o.Interface()
	}
	return router.Result{Values: ack}, nil
}
