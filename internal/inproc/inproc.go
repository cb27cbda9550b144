// Package inproc lets the library's test helpers reach into an app without
// a network: package apptest connects its clients through Open, and tests
// count Engine.IO sessions with Sessions and look at a namespace's rooms
// with Adapter. Package app sets Open and Sessions at init.
package inproc

import (
	"net/http"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/namespace"
)

var (
	// Open serves an in-process connection over sess on h, which must be
	// an *app.App, and returns the receiver of its messages; ok is false
	// for any other handler.
	Open func(h http.Handler, sess dispatch.Session) (r engine.Receiver, ok bool)

	// Msgpack reports whether h, an *app.App, speaks the msgpack parser,
	// which in-process clients must then speak too.
	Msgpack func(h http.Handler) bool

	// Sessions returns the number of Engine.IO sessions open on h, an
	// *app.App (0 for any other handler).
	Sessions func(h http.Handler) int
)

// Adapter returns the adapter of a registered namespace, nil for one that
// is not registered.
func Adapter(ns *namespace.Namespace) adapter.Adapter {
	if rt := (*nsrt.Handle)(ns).Runtime(); rt != nil {
		return rt.Adapter()
	}
	return nil
}
