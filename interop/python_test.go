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
			// Over websocket, python-engineio closes the socket without
			// waiting for its writer to send the DISCONNECT and close
			// packets it queued, so the server may see the socket close
			// first.
			reasons := []string{"client namespace disconnect"}
			if transport == "websocket" {
				reasons = append(reasons, "transport close")
			}
			checkBasic(t, srv, l, transport, reasons...)
		})
	}
}
