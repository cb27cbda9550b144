package dispatch

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"github.com/socketeer/socketeer/errors"
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
	serverSide func(event string, args []json.RawMessage)
	// recoveryExpired is OnRecoveryExpired.
	recoveryExpired func(id string, data map[string]any)
	events          map[string]*handler
}

// ServerSide returns the namespace struct's OnServerSideEmit, nil without
// one.
func (t *Table) ServerSide() func(event string, args []json.RawMessage) { return t.serverSide }

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
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return nil, fmt.Errorf("%w: nil namespace", errors.ErrRegistration)
	}
	rt := rv.Type()
	if rt.Kind() != reflect.Pointer || rt.Elem().Kind() != reflect.Struct {
		return nil, registrationErr(rt.String(), "is not a pointer to a struct", pointerHint(rt))
	}
	t := &Table{typeName: rt.Elem().Name(), events: make(map[string]*handler)}
	names := map[string]string{}
	if n, ok := v.(router.EventNamer); ok {
		names = n.EventNames()
	}
	var problems []error
	seen := map[string]string{} // event → method
	for i := range rt.NumMethod() {
		m := rt.Method(i)
		if !isHandlerName(m.Name) || promoted(m.Name) {
			continue
		}
		if err := t.add(rv.Method(i), m, names, seen); err != nil {
			problems = append(problems, err)
		}
	}
	for method := range names {
		if _, ok := rt.MethodByName(method); !ok {
			problems = append(problems, fmt.Errorf("%w: %s.EventNames maps %q, which is not a method of %s",
				errors.ErrRegistration, t.typeName, method, rt))
		}
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return t, nil
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
func promoted(name string) bool {
	_, ok := typeBase.MethodByName(name)
	return ok
}

// add checks one handler method and records it in the table.
func (t *Table) add(fn reflect.Value, m reflect.Method, names map[string]string, seen map[string]string) error {
	switch m.Name {
	case methodConnect:
		h, err := compileConnect(t.typeName, m.Name, fn)
		t.connect = h
		return err
	case methodDisconnect:
		return t.compileDisconnect(m.Name, fn)
	case methodError:
		return t.compileError(m.Name, fn)
	case methodAny:
		h, err := compileCatchAll(t.typeName, m.Name, fn)
		t.catchAll = h
		return err
	case methodServerSide:
		return t.compileServerSide(m.Name, fn)
	case methodExpired:
		return t.compileRecoveryExpired(m.Name, fn)
	}
	event := router.EventName(m.Name)
	if mapped, ok := names[m.Name]; ok {
		event = mapped
	}
	if protocol.ReservedEvent(event) {
		return registrationErr(t.typeName+"."+m.Name, fmt.Sprintf("handles %q", event), "that event name is reserved by Socket.IO; map the method to another name with EventNames")
	}
	if other, dup := seen[event]; dup {
		return fmt.Errorf("%w: %s.%s and %s.%s both handle event %q", errors.ErrRegistration, t.typeName, other, t.typeName, m.Name, event)
	}
	seen[event] = m.Name
	h, err := compileEvent(t.typeName, m.Name, event, fn)
	if err != nil {
		return err
	}
	t.events[event] = h
	return nil
}
