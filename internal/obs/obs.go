// Package obs holds what package metrics and package admin are made of:
// the observers the app calls at each hook (nsrt.Observer) and what they
// need from the app (Host). The public packages are thin types over these.
package obs

import "github.com/socketeer/socketeer/namespace"

// Host is what an app gives its observers when it is made.
type Host struct {
	// Register adds a namespace struct to the app at path.
	Register func(ns any, path string) error
	// Namespaces returns the app's namespaces.
	Namespaces func() []*namespace.Namespace
	// Clients returns the number of Engine.IO sessions.
	Clients func() int
	// Transports counts the connections that joined a namespace, by
	// transport ("polling", "websocket").
	Transports func() map[string]int
	// Logf is the app's log sink.
	Logf func(format string, args ...any)
}
