package dispatch

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/protocol"
	"github.com/socketeer/socketeer/router"
)

// Types compared by identity when checking handler signatures.
var (
	typeSocket   = reflect.TypeFor[*namespace.Socket]()
	typeContext  = reflect.TypeFor[context.Context]()
	typeError    = reflect.TypeFor[error]()
	typeString   = reflect.TypeFor[string]()
	typeRawSlice = reflect.TypeFor[[]json.RawMessage]()
	typeArgs     = reflect.TypeFor[namespace.Args]()
	typeRawArgs  = reflect.TypeFor[namespace.RawArgs]()
	typeAny      = reflect.TypeFor[any]()
	typeBase     = reflect.TypeFor[*namespace.Namespace]()
)

// Reserved handler methods with fixed roles.
const (
	methodConnect    = "OnConnect"
	methodDisconnect = "OnDisconnect"
	methodError      = "OnError"
	methodAny        = "OnAny"
	methodServerSide = "OnServerSideEmit"
	methodExpired    = "OnRecoveryExpired"
)

// Table is the immutable dispatch table of one namespace struct, built
// once by Compile.
type Table struct {
	typeName   string
	connect    *handler
	disconnect func(ctx context.Context, s *namespace.Socket, reason string)
	onError    router.ErrorHandler
	catchAll   *handler
	serverSide nsrt.ServerSideHandler
	// recoveryExpired is OnRecoveryExpired.
	recoveryExpired func(id string, data map[string]any)
	events          map[string]*handler
}

// ServerSide returns the namespace struct's OnServerSideEmit, nil without
// one.
func (t *Table) ServerSide() nsrt.ServerSideHandler { return t.serverSide }

// RecoveryExpired returns the namespace struct's OnRecoveryExpired, nil
// without one.
func (t *Table) RecoveryExpired() func(id string, data map[string]any) { return t.recoveryExpired }

// Events returns the event names the table handles, for documentation
// and tests.
func (t *Table) Events() []string {
	out := make([]string, 0, len(t.events))
	for name := range t.events {
		out = append(out, name)
	}
	return out
}

// Compile discovers the handler methods of v, a pointer to a namespace
// struct, and checks every signature. It returns all problems at once,
// each naming Type.Method, what was found and what is allowed; every one
// wraps errors.ErrRegistration.
func Compile(v any) (*Table, error) {
	t := &Table{events: make(map[string]*handler)}
	if rt := reflect.TypeOf(v); rt != nil && rt.Kind() == reflect.Pointer {
		t.typeName = rt.Elem().Name()
	}
	err := Walk(v, typeBase, t.special, func(typeName, method, event string, fn reflect.Value) error {
		h, err := compileEvent(typeName, method, event, fn)
		if err == nil {
			t.events[event] = h
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Walk finds the handler methods of v, a pointer to a struct: the
// methods named On followed by an upper case letter, except those
// promoted from base (nil for none). It calls special for each; when
// special does not take the method, the method handles the event its
// name gives (router.EventName, or v's EventNames), and Walk calls event
// with it, after checking that the name is not reserved by Socket.IO and
// that no other method handles it. The server (Compile) and the client
// discover handlers with it, so that both follow the same rules. Walk
// returns all problems at once, each wrapping errors.ErrRegistration.
func Walk(v any, base reflect.Type,
	special func(typeName, method string, fn reflect.Value) (bool, error),
	event func(typeName, method, event string, fn reflect.Value) error) error {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return fmt.Errorf("%w: nil namespace", errors.ErrRegistration)
	}
	rt := rv.Type()
	if rt.Kind() != reflect.Pointer || rt.Elem().Kind() != reflect.Struct {
		return registrationErr(rt.String(), "is not a pointer to a struct", pointerHint(rt))
	}
	typeName := rt.Elem().Name()
	names := map[string]string{}
	if n, ok := v.(router.EventNamer); ok {
		names = n.EventNames()
	}
	var problems []error
	seen := map[string]string{} // event → method
	for i := range rt.NumMethod() {
		m := rt.Method(i)
		if !isHandlerName(m.Name) || promoted(base, m.Name) {
			continue
		}
		fn := methodValue(rv, m)
		if taken, err := special(typeName, m.Name, fn); taken || err != nil {
			problems = append(problems, err)
			continue
		}
		name, err := checkEvent(typeName, m.Name, names, seen)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		problems = append(problems, event(typeName, m.Name, name, fn))
	}
	for method := range names {
		if _, ok := rt.MethodByName(method); !ok {
			problems = append(problems, fmt.Errorf("%w: %s.EventNames maps %q, which is not a method of %s",
				errors.ErrRegistration, typeName, method, rt))
		}
	}
	return errors.Join(problems...)
}

// pointerHint explains how to pass a struct whose methods sit on its
// pointer receiver.
func pointerHint(t reflect.Type) string {
	if t.Kind() == reflect.Struct {
		return fmt.Sprintf("pass a pointer: Register(&%s{})", t.Name())
	}
	return "pass a pointer to a struct, such as &Chat{}"
}

// registrationErr reports a problem with name (Type.Method, or the type
// registered): what was found and what is allowed.
func registrationErr(name, what, allowed string) error {
	return fmt.Errorf("%w: %s %s; %s", errors.ErrRegistration, name, what, allowed)
}

// isHandlerName reports whether a method name is On followed by an upper
// case letter: OnConnect, OnChatMessage, but not Once.
func isHandlerName(name string) bool {
	if !strings.HasPrefix(name, "On") || len(name) < 3 {
		return false
	}
	return unicode.IsUpper(rune(name[2]))
}

// promoted reports whether a method comes from the embedded base type.
func promoted(base reflect.Type, name string) bool {
	if base == nil {
		return false
	}
	_, ok := base.MethodByName(name)
	return ok
}

// special compiles the reserved methods of a namespace struct; it does
// not take the others, which handle events.
func (t *Table) special(_, method string, fn reflect.Value) (bool, error) {
	var err error
	switch method {
	case methodConnect:
		t.connect, err = compileConnect(t.typeName, method, fn)
	case methodDisconnect:
		err = t.compileDisconnect(method, fn)
	case methodError:
		err = t.compileError(method, fn)
	case methodAny:
		t.catchAll, err = compileCatchAll(t.typeName, method, fn)
	case methodServerSide:
		err = t.compileServerSide(method, fn)
	case methodExpired:
		err = t.compileRecoveryExpired(method, fn)
	default:
		return false, nil
	}
	return true, err
}

// checkEvent returns the event a method handles, after checking that it
// is not reserved nor handled by another method; it records it in seen.
func checkEvent(typeName, method string, names, seen map[string]string) (string, error) {
	event := router.EventName(method)
	if mapped, ok := names[method]; ok {
		event = mapped
	}
	if protocol.ReservedEvent(event) {
		return "", registrationErr(typeName+"."+method, fmt.Sprintf("handles %q", event), "that event name is reserved by Socket.IO; map the method to another name with EventNames")
	}
	if other, dup := seen[event]; dup {
		return "", fmt.Errorf("%w: %s.%s and %s.%s both handle event %q", errors.ErrRegistration, typeName, other, typeName, method, event)
	}
	seen[event] = method
	return event, nil
}
