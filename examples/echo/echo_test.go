package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/examples/internal/run"
)

// TestEcho builds and starts the echo server, then runs client.js (the
// real socket.io-client) against it.
func TestEcho(t *testing.T) {
	srv := run.Start(t, ".", "echo: listening on")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := run.Node(t, ctx, "client.js", "URL="+srv.URL)
	if want := `echo replied: {"hello":"world"}`; !strings.Contains(out, want) {
		t.Fatalf("client printed %q, want %q", out, want)
	}
}
