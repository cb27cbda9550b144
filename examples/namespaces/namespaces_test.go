package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/examples/internal/run"
)

// TestNamespaces starts the server and runs client.js: a bad token is
// refused with the errors.Client data, the admin acts on /chat, and each
// namespace's OnError shapes its own errors.
func TestNamespaces(t *testing.T) {
	srv := run.Start(t, ".", "namespaces: /chat and /admin", "ADMIN_TOKEN=s3cret")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := run.Node(t, ctx, "client.js", "URL="+srv.URL, "ADMIN_TOKEN=s3cret")
	for _, want := range []string{
		`refused: {"message":"not authorized","data":{"hint":"send auth {token}"}}`,
		`admin connected: true`,
		`stats: {"chat_sockets":1}`,
		`chat got announcement: "maintenance at noon"`,
		`chat error: {"error":{"code":"validation","fields":[{"field":"text","rule":"required"}],"message":"validation failed"}}`,
		`admin error: {"admin_error":"kick: no /chat socket \"nobody\""}`,
		`kick: true`,
		`chat disconnected: "io server disconnect"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("client did not print %s", want)
		}
	}
	if t.Failed() {
		t.Logf("client output:\n%s", out)
	}
}
