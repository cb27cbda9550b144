//go:build linux

package engine

import (
	"fmt"
	"testing"

	"github.com/gorilla/websocket"
)

// TestBusyWebsocketLeavesPoller: a websocket is read through the poller
// until its second message, then by a goroutine of its own while fewer
// than ReaderGoroutines have one; messages keep their order across the
// move, and a closed reader frees its place.
func TestBusyWebsocketLeavesPoller(t *testing.T) {
	h := newHarness(t, Options{ReaderGoroutines: 1})
	readers := func() int64 { return h.srv.readers.Load() }

	quiet := dial(t, h, "EIO=4&transport=websocket")
	read(t, quiet)
	quiet.WriteMessage(websocket.TextMessage, []byte("4connect"))
	if _, m := read(t, quiet); m != "4connect" {
		t.Fatalf("echo: %q", m)
	}
	if n := readers(); n != 0 {
		t.Fatalf("%d reader goroutines after one message, want 0 (on the poller)", n)
	}

	busy := dial(t, h, "EIO=4&transport=websocket")
	read(t, busy)
	for i := range 50 {
		busy.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, "4m%d", i))
	}
	for i := range 50 {
		if _, m := read(t, busy); m != fmt.Sprintf("4m%d", i) {
			t.Fatalf("message %d: %q", i, m)
		}
	}
	waitFor(t, func() bool { return readers() == 1 })

	// The only place is taken: a second busy websocket stays on the poller.
	other := dial(t, h, "EIO=4&transport=websocket")
	read(t, other)
	for i := range 5 {
		other.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, "4o%d", i))
		if _, m := read(t, other); m != fmt.Sprintf("4o%d", i) {
			t.Fatalf("message %d: %q", i, m)
		}
	}
	if n := readers(); n != 1 {
		t.Fatalf("%d reader goroutines, want 1 (ReaderGoroutines)", n)
	}

	busy.Close()
	waitFor(t, func() bool { return readers() == 0 })
	for i := range 5 {
		other.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, "4p%d", i))
		if _, m := read(t, other); m != fmt.Sprintf("4p%d", i) {
			t.Fatalf("message %d: %q", i, m)
		}
	}
	waitFor(t, func() bool { return readers() == 1 })
}
