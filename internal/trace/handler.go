package trace

import (
	"fmt"
	"time"

	"github.com/rs/zerolog"
)

// Handler traces a handler call after it returned. handler names the
// method, like "Chat.OnSendMessage"; d is how long it ran and err what it
// returned, possibly nil. A call that returned an error is a warning.
func (t *Tracer) Handler(socketID, namespace, event, handler string, d time.Duration, err error) {
	if t != nil { // small enough to inline: free when tracing is off
		t.handler(socketID, namespace, event, handler, d, err)
	}
}

// handler traces a handler call for Handler.
func (t *Tracer) handler(socketID, namespace, event, handler string, d time.Duration, err error) {
	level := zerolog.DebugLevel
	if err != nil {
		level = zerolog.WarnLevel
	}
	e := t.handlerEvent(level, socketID, namespace, event, handler).Int64("dur_us", d.Microseconds())
	optErr(e, err)
	e.Msg("handler")
}

// Panic traces a panic recovered from the handler of event, with the value
// passed to panic and the stack of the panicking goroutine.
func (t *Tracer) Panic(socketID, namespace, event string, value any, stack []byte) {
	if t == nil {
		return
	}
	t.handlerEvent(zerolog.ErrorLevel, socketID, namespace, event, "").
		Str("panic", fmt.Sprint(value)).
		Bytes("stack", stack).
		Msg("handler panicked")
}

// Watch reports a handler that is still running SlowHandler after Watch
// was called, with a "blocked handler" warning. Call the returned stop
// function when the handler returns, typically with defer:
//
//	defer tracer.Watch(sid, nsp, event, "Chat.OnSend")()
//
// With a nil t, or a negative SlowHandler, Watch returns a function that
// does nothing, and allocates nothing.
func (t *Tracer) Watch(socketID, namespace, event, handler string) (stop func()) {
	if t == nil || t.slow < 0 {
		return nop
	}
	return t.watch(socketID, namespace, event, handler)
}

// watch starts the timer of Watch.
func (t *Tracer) watch(socketID, namespace, event, handler string) (stop func()) {
	start := time.Now()
	timer := time.AfterFunc(t.slow, func() {
		t.handlerEvent(zerolog.WarnLevel, socketID, namespace, event, handler).
			Int64("dur_us", time.Since(start).Microseconds()).
			Msg("blocked handler")
	})
	return func() { timer.Stop() }
}

// nop is the stop function of a Watch that watches nothing.
func nop() {}

// handlerEvent starts a line about the handler of event on a socket.
func (t *Tracer) handlerEvent(level zerolog.Level, socketID, namespace, event, handler string) *zerolog.Event {
	e := t.event(level)
	optStr(e, "sid", socketID)
	e.Str("nsp", namespace)
	optStr(e, "event", event)
	optStr(e, "handler", handler)
	return e
}
