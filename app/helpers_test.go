package app_test

import (
	"io"
	"testing"

	"github.com/socketeer/socketeer/app"

	"github.com/socketeer/socketeer/debug"
)

// discardTrace is a tracer configuration that writes nowhere.
func discardTrace() debug.Options { return debug.Options{Output: io.Discard} }

// forParsers runs test once with each parser, as subtests named after it.
func forParsers(t *testing.T, test func(*testing.T, app.Parser)) {
	for _, p := range []struct {
		name   string
		parser app.Parser
	}{{"json", app.ParserJSON}, {"msgpack", app.ParserMsgpack}} {
		t.Run(p.name, func(t *testing.T) { test(t, p.parser) })
	}
}
