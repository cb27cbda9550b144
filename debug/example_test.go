package debug_test

import (
	"os"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/debug"
)

// The tracer is switched on where the app is made, and only there: every
// packet, handler call and connection of the app is then traced.
func Example() {
	a := app.New(app.Options{
		Debug:        true,
		DebugOptions: debug.Options{Output: os.Stderr, JSON: true, MaxArgBytes: 512},
	})
	_ = a // register namespaces and serve
	// Output:
}
