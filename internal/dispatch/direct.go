package dispatch

import (
	"encoding/json"
	"reflect"
	"unsafe"

	"github.com/socketeer/socketeer/namespace"
)

// methodValue returns the method m of the pointer rv as a func value of
// the method's type. A method value from reflect (rv.Method) runs every
// call through reflect.callMethod: a layout lookup, argument copies and a
// large frame, about 1,600 instructions per event. For the fixed shapes
// fastCall binds, the value returned here instead calls the method's
// code directly, as a Go method value does: m.Func (the method
// expression, receiver first) is taken as a func whose receiver is an
// unsafe.Pointer, which has the same calling convention as any pointer
// receiver, and closed over rv's pointer. Other shapes, and receivers
// that are not pointers, get rv.Method.
func methodValue(rv reflect.Value, m reflect.Method) reflect.Value {
	fn := rv.Method(m.Index)
	ft := m.Func.Type()
	if rv.Kind() != reflect.Pointer || ft.NumIn() != fn.Type().NumIn()+1 || ft.In(0) != rv.Type() {
		return fn
	}
	recv, code := rv.UnsafePointer(), funcCode(m.Func)
	var direct any
	switch fn.Interface().(type) {
	case func(*socket):
		f := asFunc[func(unsafe.Pointer, *socket)](code)
		direct = func(s *socket) { f(recv, s) }
	case func(*socket) error:
		f := asFunc[func(unsafe.Pointer, *socket) error](code)
		direct = func(s *socket) error { return f(recv, s) }
	case func(*socket, string):
		f := asFunc[func(unsafe.Pointer, *socket, string)](code)
		direct = func(s *socket, a string) { f(recv, s, a) }
	case func(*socket, string) error:
		f := asFunc[func(unsafe.Pointer, *socket, string) error](code)
		direct = func(s *socket, a string) error { return f(recv, s, a) }
	case func(*socket, ...json.RawMessage):
		f := asFunc[func(unsafe.Pointer, *socket, ...json.RawMessage)](code)
		direct = func(s *socket, a ...json.RawMessage) { f(recv, s, a...) }
	case func(*socket, ...json.RawMessage) error:
		f := asFunc[func(unsafe.Pointer, *socket, ...json.RawMessage) error](code)
		direct = func(s *socket, a ...json.RawMessage) error { return f(recv, s, a...) }
	case func(*socket, ...json.RawMessage) namespace.RawArgs:
		f := asFunc[func(unsafe.Pointer, *socket, ...json.RawMessage) namespace.RawArgs](code)
		direct = func(s *socket, a ...json.RawMessage) namespace.RawArgs { return f(recv, s, a...) }
	default:
		return fn
	}
	return reflect.ValueOf(direct)
}

// funcCode returns the func value held by the func-typed fn: the pointer
// an interface holding it carries as its data word.
func funcCode(fn reflect.Value) unsafe.Pointer {
	v := fn.Interface()
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1]
}

// asFunc returns the func value code as type F.
func asFunc[F any](code unsafe.Pointer) F {
	var f F
	*(*unsafe.Pointer)(unsafe.Pointer(&f)) = code
	return f
}
