package interop_test

import (
	"testing"

	"github.com/socketeer/socketeer/internal/testenv"
)

// TestPython runs python-socketio's sync Client on each transport through
// the same steps as the Node client (wire_basic.py prints the same lines as
// wire_basic.js).
func TestPython(t *testing.T) {
	for _, transport := range []string{"polling", "websocket"} {
		t.Run(transport, func(t *testing.T) {
			srv := newServer(t)
			l := run(t, testenv.RunPython, srv, "wire_basic.py", "TRANSPORT="+transport)
			// python-socketio's disconnect() queues the DISCONNECT packet
			// and then aborts the Engine.IO connection without waiting for
			// its writer (websocket) or its POST loop (polling) to send it,
			// so the server may see the transport close first — or, on
			// polling when no GET was in flight as the process exited, only
			// the missing pongs.
			checkBasic(t, srv, l, transport, pythonReasons(transport)...)
		})
	}
}

// pythonReasons are the server-side disconnect reasons a python-socketio
// client's disconnect() may leave on transport (see TestPython).
func pythonReasons(transport string) []string {
	reasons := []string{"client namespace disconnect", "transport close"}
	if transport == "polling" {
		reasons = append(reasons, "ping timeout")
	}
	return reasons
}
