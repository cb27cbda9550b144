package hardening

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/debug"
)

// TestHTTPErrors checks the status and JSON body of every Engine.IO
// error code, through an app mounted at /socket.io/.
func TestHTTPErrors(t *testing.T) {
	s := newServer(t, app.Options{})
	hc := httpClient(t)
	const (
		bad       = http.StatusBadRequest
		forbidden = http.StatusForbidden
	)
	tests := []struct {
		name, method, query string
		header              http.Header
		status              int
		body                string
	}{
		{"unknown transport", "GET", "EIO=4&transport=carrier-pigeon", nil, bad, `{"code":0,"message":"Transport unknown"}`},
		{"unknown sid", "GET", "EIO=4&transport=polling&sid=nope", nil, bad, `{"code":1,"message":"Session ID unknown"}`},
		{"handshake with POST", "POST", "EIO=4&transport=polling", nil, bad, `{"code":2,"message":"Bad handshake method"}`},
		{"websocket without upgrade", "GET", "EIO=4&transport=websocket", nil, bad, `{"code":3,"message":"Bad request"}`},
		{"foreign origin", "GET", "EIO=4&transport=polling", http.Header{"Origin": {"https://evil.example"}}, forbidden, `{"code":4,"message":"Forbidden"}`},
		{"EIO=3", "GET", "EIO=3&transport=polling", nil, bad, `{"code":5,"message":"Unsupported protocol version"}`},
		{"EIO=abc", "GET", "EIO=abc&transport=polling", nil, bad, `{"code":5,"message":"Unsupported protocol version"}`},
		{"no EIO", "GET", "transport=polling", nil, bad, `{"code":5,"message":"Unsupported protocol version"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, s.url+"/socket.io/?"+tt.query, nil)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || string(body) != tt.body {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode, body, tt.status, tt.body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

// TestOriginSameByDefault: with no CORS options a foreign Origin is
// refused on both transports; the same origin and no Origin are allowed.
func TestOriginSameByDefault(t *testing.T) {
	s := newServer(t, app.Options{})
	hc := httpClient(t)
	tests := []struct {
		origin string
		ok     bool
	}{
		{"", true},
		{s.url, true},
		{"https://evil.example", false},
		{"http://" + s.addr() + ".evil.example", false},
		{"null", false},
	}
	for _, tt := range tests {
		t.Run("polling "+tt.origin, func(t *testing.T) {
			req, _ := http.NewRequest("GET", s.url+"/socket.io/?EIO=4&transport=polling", nil)
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if got := resp.StatusCode == 200; got != tt.ok {
				t.Errorf("status %d, want allowed=%v", resp.StatusCode, tt.ok)
			}
			if !tt.ok && resp.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", resp.StatusCode)
			}
			if acao := resp.Header.Get("Access-Control-Allow-Origin"); !tt.ok && acao != "" {
				t.Errorf("Access-Control-Allow-Origin %q on a refused origin", acao)
			}
		})
		t.Run("websocket "+tt.origin, func(t *testing.T) {
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			c, resp, err := websocket.DefaultDialer.Dial(s.wsURL(), h)
			if c != nil {
				c.Close()
			}
			if got := err == nil; got != tt.ok {
				t.Errorf("upgrade err %v, want allowed=%v", err, tt.ok)
			}
			if !tt.ok && (resp == nil || resp.StatusCode != http.StatusForbidden) {
				t.Errorf("refused upgrade answered %v, want 403", resp)
			}
		})
	}
}

// TestSessionIDs: sids are 20 URL-safe characters (120 bits) and unique.
func TestSessionIDs(t *testing.T) {
	s := newServer(t, app.Options{})
	hc := httpClient(t)
	urlSafe := regexp.MustCompile(`^[A-Za-z0-9_-]{20,}$`)
	seen := map[string]bool{}
	for range 500 {
		sid := s.pollingSID(t, hc)
		if !urlSafe.MatchString(sid) {
			t.Fatalf("sid %q is not ≥ 20 URL-safe base64 characters (120 bits)", sid)
		}
		if seen[sid] {
			t.Fatalf("sid %q repeated", sid)
		}
		seen[sid] = true
	}
	c := s.dialWS(t, "")
	defer c.close()
	if !urlSafe.MatchString(c.eio) || !urlSafe.MatchString(c.sid) {
		t.Errorf("websocket sid %q, socket id %q", c.eio, c.sid)
	}
}

// TestNoInternalText: handler errors and panics reach clients as
// "internal server error" unless debug is on.
func TestNoInternalText(t *testing.T) {
	for _, dbg := range []bool{false, true} {
		var out syncBuffer
		s := newServer(t, app.Options{Debug: dbg, DebugOptions: debug.Options{Output: &out}, Logf: func(string, ...any) {}})
		c := s.dialWS(t, "")
		c.write(`421["secret"]`)
		secret := c.read()
		c.write(`422["boom"]`)
		boom := c.read()
		c.close()
		t.Logf("debug=%v: %s / %s", dbg, secret, boom)
		leaked := strings.Contains(secret, "hunter2")
		if leaked != dbg {
			t.Errorf("debug=%v: internal text shown = %v: %s", dbg, leaked, secret)
		}
		if !strings.Contains(secret, `"code":"internal"`) {
			t.Errorf("ack %s has no internal error code", secret)
		}
		if strings.Contains(boom, "secret-panic-text") && !dbg {
			t.Errorf("panic value shown: %s", boom)
		}
	}
}

// TestTracerHidesAuth: with debug on, the CONNECT auth payload and the
// handshake cookies never reach the trace unless LogAuth is set.
func TestTracerHidesAuth(t *testing.T) {
	for _, logAuth := range []bool{false, true} {
		var out syncBuffer
		s := newServer(t, app.Options{Debug: true, DebugOptions: debug.Options{Output: &out, LogAuth: logAuth, NoColor: true}})
		d := websocket.Dialer{}
		c, _, err := d.Dial(s.wsURL(), http.Header{"Cookie": {"session=c00kie-value"}})
		if err != nil {
			t.Fatal(err)
		}
		wc := &wsClient{t: t, c: c}
		wc.read() // open
		wc.connect(`{"token":"s3cr3t-token"}`)
		wc.write(`421["echo","x"]`)
		wc.read()
		wc.close()
		s.waitReason(t, wc.sid)
		trace := out.String()
		if got := strings.Contains(trace, "s3cr3t-token"); got != logAuth {
			t.Errorf("LogAuth=%v: auth in trace = %v:\n%s", logAuth, got, trace)
		}
		if strings.Contains(trace, "c00kie-value") {
			t.Errorf("cookie in trace:\n%s", trace)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
