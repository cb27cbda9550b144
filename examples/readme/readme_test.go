package readme

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/examples/internal/run"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestSnippets serves NewApp and runs client.js: every README snippet
// against the real socket.io-client.
func TestSnippets(t *testing.T) {
	a, err := NewApp()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	defer srv.Close()
	defer a.Shutdown(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := run.Node(t, ctx, "client.js", "URL="+srv.URL)
	tests := []struct{ section, want string }{
		{"receiving", `message: "you said: hi"`},
		{"receiving", `my_event: "got 42"`},
		{"receiving", `add: 3`},
		{"receiving", `chat message args: 2`},
		{"sending", `message: "hello, bob"`},
		{"sending", `greeting: {"to":"bob"}`},
		{"sending", `answered: "yes"`},
		{"broadcasting", `b got shout: "hey"`},
		{"broadcasting", `b got told, a did not: ["psst",false]`},
		{"rooms", `joined: "lobby"`},
		{"rooms", `room_message: "hello lobby"`},
		{"connection", `welcome: "hello alice"`},
		{"connection", `connect_error: ["not authorized",{"reason":"bad token"}]`},
		{"class-based", `order:create: 3`},
		{"class-based", `order:create unknown: {"error":{"code":"client","data":{"item":"gold"},"message":"unknown item"}}`},
		{"class-based", `any: "no handler for order:cancel"`},
		{"errors", `validation: {"code":"validation","fields":[{"field":"title","rule":"required"}],"message":"validation failed"}`},
		{"errors", `forbidden: {"code":"client","data":{"title":"forbidden"},"message":"title not allowed"}`},
		{"errors", `bug: {"code":"internal","message":"internal server error"}`},
		{"errors", `post: "posted hello"`},
	}
	for _, tt := range tests {
		if !strings.Contains(out, tt.want) {
			t.Errorf("%s: client.js did not print %s", tt.section, tt.want)
		}
	}
	if t.Failed() {
		t.Logf("client.js output:\n%s", out)
	}
}

// TestConfigured checks the configuration snippet builds an app, and
// Announce reaches a registered namespace.
func TestConfigured(t *testing.T) {
	if Configured() == nil {
		t.Fatal("Configured returned nil")
	}
	a, err := NewApp()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Shutdown(context.Background())
	if err := Announce(a, "hello"); err != nil {
		t.Fatalf("Announce: %v", err)
	}
	if srv := Mount(a); srv.Handler == nil || srv.ReadHeaderTimeout == 0 {
		t.Fatal("Mount: no handler or no timeouts")
	}
}
