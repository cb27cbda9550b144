package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/examples/internal/run"
)

// TestTrace starts the server, runs client.js and checks the trace the
// server printed: what README.md shows.
func TestTrace(t *testing.T) {
	srv := run.Start(t, ".", "debugging: tracing on", "NO_COLOR=1")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := run.Node(t, ctx, "client.js", "URL="+srv.URL)
	for _, want := range []string{
		`order: {"item":"apples","ok":true,"qty":2}`,
		`bad order: {"error":{"code":"validation","fields":[{"field":"item","rule":"required"},{"field":"qty","rule":"max","param":"10","value":99}],"message":"validation failed"}}`,
		`crash: {"error":{"code":"internal","message":"socketeer: panic in handler for \"crash\": assignment to entry in nil map"}}`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("client did not print %s\n%s", want, out)
		}
	}
	// The client disconnected, so the trace is complete once its
	// disconnect line is there.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(srv.Output(), "disconnect") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	trace := srv.Output()
	for _, re := range []string{
		`← CONNECT / `,
		`connect / sid=\S+ auth=\[redacted\] remote=127\.0\.0\.1:`,
		`→ CONNECT / args=\{"sid":"\S+"\}`,
		`← EVENT / sid=\S+ (event=order )?ack=\d+ args=\["order",\{"item":"apples","qty":2\}\]`,
		`handler / sid=\S+ event=order handler=Shop.OnOrder dur=`,
		`→ ACK / sid=\S+ ack=\d+ args=\[\{"item":"apples","ok":true,"qty":2\}\]`,
		`event=order handler=Shop.OnOrder .*error=.*validation failed`,
		`(?s)handler panicked.*assignment to entry in nil map.*goroutine`,
		`disconnect / sid=\S+ .*reason="?client namespace disconnect`,
	} {
		if !regexp.MustCompile(re).MatchString(trace) {
			t.Errorf("the trace has no line matching %s", re)
		}
	}
	if t.Failed() {
		t.Logf("trace:\n%s", trace)
	}
}
