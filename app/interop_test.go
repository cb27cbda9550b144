package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/testenv"
)

// OnCheck validates its payload, for the JS client's validation step.
func (g *gate) OnCheck(s *sock, m msg) msg { return m }

// serve serves a over a loopback HTTP server until the test ends.
func serve(t *testing.T, a *app.App) string {
	t.Helper()
	srv := httptest.NewServer(a)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.Shutdown(ctx)
		srv.Close()
	})
	return srv.URL
}

func TestJSClientFramework(t *testing.T) {
	testenv.Node(t)
	for _, transport := range []string{"websocket", "polling"} {
		t.Run(transport, func(t *testing.T) {
			g := newGate()
			a := newApp(t, g, "/gate", app.Options{Logf: func(string, ...any) {}})
			url := serve(t, a)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			out, err := testenv.RunNode(t, ctx, "js/framework_connect.js", "SERVER_URL="+url, "TRANSPORT="+transport)
			if err != nil {
				t.Fatalf("node: %v\n%s", err, out)
			}
			steps := map[string]string{}
			sc := bufio.NewScanner(bytes.NewReader(out))
			for sc.Scan() {
				var l struct {
					Step string
					Data json.RawMessage
				}
				if json.Unmarshal(sc.Bytes(), &l) == nil && l.Step != "" {
					steps[l.Step] = string(l.Data)
				}
			}
			want := map[string]string{
				"refused": `{"message":"not authorized","data":{"reason":"bad token","retry":false},"connected":false}`,
				"welcome": `"hi ann"`,
				"who":     `"ann"`,
				"check":   `{"error":{"code":"validation","fields":[{"field":"room","rule":"required"},{"field":"text","rule":"max","param":"10","value":"far too long"}],"message":"validation failed"}}`,
				"done":    `true`,
			}
			for step, w := range want {
				if steps[step] != w {
					t.Errorf("step %s = %s, want %s", step, steps[step], w)
				}
			}
			if t.Failed() {
				t.Logf("script output:\n%s", out)
			}
			select {
			case r := <-g.gone:
				if r != "client namespace disconnect" {
					t.Errorf("OnDisconnect reason %q", r)
				}
			case <-time.After(5 * time.Second):
				t.Error("OnDisconnect did not run")
			}
		})
	}
}

// TestPingTimeout connects over polling with a real engine, then stops
// polling: the server's ping goes unanswered and OnDisconnect gets
// "ping timeout", once.
func TestPingTimeout(t *testing.T) {
	g := newGate()
	a := newApp(t, g, "/gate", app.Options{Engine: engine.Options{PingInterval: 50 * time.Millisecond, PingTimeout: 50 * time.Millisecond}})
	url := serve(t, a) + "/socket.io/?EIO=4&transport=polling"
	body := get(t, url)
	var hs struct{ SID string }
	if err := json.Unmarshal([]byte(strings.TrimPrefix(body, "0")), &hs); err != nil || hs.SID == "" {
		t.Fatalf("handshake %q: %v", body, err)
	}
	url += "&sid=" + hs.SID
	resp, err := http.Post(url, "text/plain", strings.NewReader(`40/gate,{"token":"good"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if body := get(t, url); !strings.HasPrefix(body, "40/gate,{\"sid\":") {
		t.Fatalf("CONNECT reply %q", body)
	}
	start := time.Now()
	select {
	case r := <-g.gone:
		if r != "ping timeout" {
			t.Errorf("OnDisconnect reason %q, want ping timeout", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no disconnect after the ping went unanswered")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("ping timeout took %v", d)
	}
	time.Sleep(100 * time.Millisecond)
	g.mu.Lock()
	defer g.mu.Unlock()
	for id, rs := range g.disconnects {
		if !slices.Equal(rs, []string{"ping timeout"}) {
			t.Errorf("socket %s: reasons %q", id, rs)
		}
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
