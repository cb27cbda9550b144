package dispatch

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/socketeer/socketeer/namespace"
)

// calls records the calls of its handler methods.
type calls struct {
	name string
	got  []string
}

func (c *calls) record(what string) { c.got = append(c.got, c.name+":"+what) }

func (c *calls) OnPlain(s *socket)                  { c.record("plain") }
func (c *calls) OnErr(s *socket) error              { c.record("err"); return errors.New(c.name) }
func (c *calls) OnStr(s *socket, a string)          { c.record("str " + a) }
func (c *calls) OnStrErr(s *socket, a string) error { c.record("strerr " + a); return nil }
func (c *calls) OnRaw(s *socket, a ...json.RawMessage) {
	c.record("raw " + string(a[0]))
}
func (c *calls) OnRawErr(s *socket, a ...json.RawMessage) error {
	c.record("rawerr " + string(a[1]))
	return nil
}
func (c *calls) OnRawAck(s *socket, a ...json.RawMessage) namespace.RawArgs {
	c.record("rawack")
	return namespace.RawArgs{a[1], a[0]}
}
func (c *calls) OnTyped(s *socket, n int) int { c.record("typed"); return n + 1 }

// byValue has a value receiver; outer promotes calls' methods.
type byValue struct{ log *[]string }

func (b byValue) OnPlain(s *socket) { *b.log = append(*b.log, "value") }

type outer struct {
	pad [3]int
	*calls
}

// TestMethodValue checks that the values methodValue binds call the
// method of the right receiver with the arguments given, for every
// direct shape, for value receivers and promoted methods, and that other
// shapes keep reflect's method value.
func TestMethodValue(t *testing.T) {
	a, b := &calls{name: "a"}, &calls{name: "b"}
	var log []string
	s := &socket{}
	args := []json.RawMessage{json.RawMessage(`1`), json.RawMessage(`"two"`)}
	tests := []struct {
		method string
		invoke func(fn any) any
		want   string
	}{
		{"OnPlain", func(fn any) any { fn.(func(*socket))(s); return nil }, "plain"},
		{"OnErr", func(fn any) any { return fn.(func(*socket) error)(s).Error() }, "err"},
		{"OnStr", func(fn any) any { fn.(func(*socket, string))(s, "x"); return nil }, "str x"},
		{"OnStrErr", func(fn any) any { return fn.(func(*socket, string) error)(s, "y") }, "strerr y"},
		{"OnRaw", func(fn any) any { fn.(func(*socket, ...json.RawMessage))(s, args...); return nil }, "raw 1"},
		{"OnRawErr", func(fn any) any { return fn.(func(*socket, ...json.RawMessage) error)(s, args...) }, `rawerr "two"`},
		{"OnRawAck", func(fn any) any {
			return fn.(func(*socket, ...json.RawMessage) namespace.RawArgs)(s, args...)
		}, "rawack"},
		{"OnTyped", func(fn any) any { return fn.(func(*socket, int) int)(s, 41) }, "typed"},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			for _, recv := range []any{a, b, &outer{calls: b}} {
				rv := reflect.ValueOf(recv)
				m, _ := rv.Type().MethodByName(tt.method)
				c := a
				if recv != any(a) {
					c = b
				}
				c.got = nil
				got := tt.invoke(methodValue(rv, m).Interface())
				c.got = nil
				want := tt.invoke(rv.Method(m.Index).Interface())
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%T: returned %v, reflect's method value %v", recv, got, want)
				}
				c.got = nil
				tt.invoke(methodValue(rv, m).Interface())
				if len(c.got) != 1 || c.got[0] != c.name+":"+tt.want {
					t.Errorf("%T: recorded %q, want %q", recv, c.got, c.name+":"+tt.want)
				}
			}
		})
	}
	rv := reflect.ValueOf(&byValue{log: &log})
	m, _ := rv.Type().MethodByName("OnPlain")
	methodValue(rv, m).Interface().(func(*socket))(s)
	if len(log) != 1 || log[0] != "value" {
		t.Errorf("value receiver: recorded %q", log)
	}
}
