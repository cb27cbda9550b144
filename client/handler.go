package client

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/protocol"
)

// invoker is a compiled event handler: it decodes the raw args (binary
// placeholders pointing into atts), calls the handler and returns the
// values to acknowledge with. Every way of declaring handlers compiles to
// it: On today, a struct's On<Event> methods (the server's discovery)
// later.
type invoker func(ctx context.Context, args []json.RawMessage, atts [][]byte) ([]any, error)

// Types compared by identity.
var (
	typeContext = reflect.TypeFor[context.Context]()
	typeError   = reflect.TypeFor[error]()
	typeAny     = reflect.TypeFor[any]()
	typeRaw     = reflect.TypeFor[json.RawMessage]()
)

const allowedHandler = "func([ctx context.Context,] args...) with args of JSON-decodable types " +
	"(the last may be ...any or ...json.RawMessage), returning nothing, error, ack values, or ack values and a final error"

// compile checks fn and returns its invoker. Errors wrap
// errors.ErrRegistration and name the event.
func compile(event string, fn any) (invoker, error) {
	v := reflect.ValueOf(fn)
	if fn == nil || v.Kind() != reflect.Func || v.IsNil() {
		return nil, fmt.Errorf("%w: handler of %q is %T, not a func; allowed: %s", errors.ErrRegistration, event, fn, allowedHandler)
	}
	sig, err := checkSignature(v.Type())
	if err != nil {
		return nil, fmt.Errorf("%w: handler of %q has signature %s: %v; allowed: %s",
			errors.ErrRegistration, event, v.Type(), err, allowedHandler)
	}
	return sig.invoker(event, v), nil
}

// signature is the checked shape of a handler.
type signature struct {
	ctx      bool           // the first parameter is a context.Context
	params   []reflect.Type // the decoded parameters, the variadic one last
	variadic bool
	errOut   bool // the last result is an error
}

func checkSignature(ft reflect.Type) (*signature, error) {
	sig := &signature{variadic: ft.IsVariadic()}
	for i := range ft.NumIn() {
		pt := ft.In(i)
		if i == 0 && pt == typeContext {
			sig.ctx = true
			continue
		}
		if sig.variadic && i == ft.NumIn()-1 {
			if pt.Elem() != typeAny && pt.Elem() != typeRaw {
				return nil, fmt.Errorf("the variadic parameter must be ...any or ...json.RawMessage")
			}
		} else if err := decodable(pt); err != nil {
			return nil, fmt.Errorf("parameter %d (%s): %v", i+1, pt, err)
		}
		sig.params = append(sig.params, pt)
	}
	for i := range ft.NumOut() {
		rt := ft.Out(i)
		if rt == typeError {
			if i != ft.NumOut()-1 {
				return nil, fmt.Errorf("error must be the last result")
			}
			sig.errOut = true
			continue
		}
		switch rt.Kind() {
		case reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
			return nil, fmt.Errorf("result %d (%s) cannot be encoded as JSON", i+1, rt)
		}
	}
	return sig, nil
}

// decodable reports why values of t cannot be decoded from JSON.
func decodable(t reflect.Type) error {
	switch t.Kind() {
	case reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
		return fmt.Errorf("%s values cannot be decoded from JSON", t.Kind())
	case reflect.Interface:
		if t != typeAny && t != typeContext {
			return fmt.Errorf("interface parameters must be any")
		}
		if t == typeContext {
			return fmt.Errorf("only the first parameter may be a context.Context")
		}
	case reflect.Pointer:
		return decodable(t.Elem())
	}
	return nil
}

// invoker builds the call of fn, which has signature sig.
func (sig *signature) invoker(event string, fn reflect.Value) invoker {
	return func(ctx context.Context, args []json.RawMessage, atts [][]byte) ([]any, error) {
		in, err := sig.decode(event, args, atts)
		if err != nil {
			return nil, err
		}
		if sig.ctx {
			in = append([]reflect.Value{reflect.ValueOf(ctx)}, in...)
		}
		var out []reflect.Value
		if sig.variadic {
			out = fn.CallSlice(in)
		} else {
			out = fn.Call(in)
		}
		if sig.errOut {
			last := out[len(out)-1]
			out = out[:len(out)-1]
			if !last.IsNil() {
				return nil, last.Interface().(error)
			}
		}
		vals := make([]any, len(out))
		for i, o := range out {
			vals[i] = o.Interface()
		}
		return vals, nil
	}
}

// decode turns raw args into the handler's parameters. Missing args
// decode as zero values; extra ones are ignored unless the handler is
// variadic.
func (sig *signature) decode(event string, args []json.RawMessage, atts [][]byte) ([]reflect.Value, error) {
	fixed := sig.params
	if sig.variadic {
		fixed = fixed[:len(fixed)-1]
	}
	in := make([]reflect.Value, 0, len(sig.params))
	for i, pt := range fixed {
		p := reflect.New(pt)
		if i < len(args) {
			if err := decodeArg(args[i], atts, p.Interface()); err != nil {
				return nil, &errors.DecodeError{Event: event, Arg: i, Err: err}
			}
		}
		in = append(in, p.Elem())
	}
	if sig.variadic {
		rest := reflect.MakeSlice(sig.params[len(sig.params)-1], 0, max(len(args)-len(fixed), 0))
		for i := len(fixed); i < len(args); i++ {
			p := reflect.New(rest.Type().Elem())
			if err := decodeArg(args[i], atts, p.Interface()); err != nil {
				return nil, &errors.DecodeError{Event: event, Arg: i, Err: err}
			}
			rest = reflect.Append(rest, p.Elem())
		}
		in = append(in, rest)
	}
	return in, nil
}

// decodeArg decodes one raw arg into v, a pointer, resolving binary
// placeholders: a []byte anywhere in a typed value takes the attachment;
// inside an any it is a []byte; a json.RawMessage gets it as base64.
func decodeArg(raw json.RawMessage, atts [][]byte, v any) error {
	if len(atts) == 0 {
		return json.Unmarshal(raw, v)
	}
	if p, ok := v.(*any); ok {
		val, err := protocol.Reconstruct(raw, atts)
		*p = val
		return err
	}
	inlined, err := protocol.InlineAttachments(raw, atts)
	if err != nil {
		return err
	}
	return json.Unmarshal(inlined, v)
}
