package engine

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echo is a Receiver that sends every message straight back.
type echo struct {
	s        *Session
	mu       sync.Mutex
	reason   string
	openedAt time.Time
	closedAt time.Time
	closed   chan struct{}
}

func (e *echo) OnMessage(data []byte, binary bool) {
	e.s.Send(Packet{Type: Message, Data: bytes.Clone(data), Binary: binary})
}

func (e *echo) OnClose(reason string) {
	e.mu.Lock()
	e.reason, e.closedAt = reason, time.Now()
	e.mu.Unlock()
	close(e.closed)
}

type harness struct {
	srv   *Server
	ts    *httptest.Server
	mu    sync.Mutex
	echos []*echo
}

// newHarness serves an echo server. Its websockets are read through the
// poller (on Linux); the app-level tests cover reader goroutines.
func newHarness(t *testing.T, o Options) *harness {
	t.Helper()
	if o.ReaderGoroutines == 0 {
		o.ReaderGoroutines = -1
	}
	h := &harness{}
	h.srv = NewServer(o, func(s *Session) Receiver {
		e := &echo{s: s, closed: make(chan struct{})}
		e.openedAt = time.Now()
		h.mu.Lock()
		h.echos = append(h.echos, e)
		h.mu.Unlock()
		return e
	})
	h.ts = httptest.NewServer(h.srv)
	t.Cleanup(func() {
		h.ts.CloseClientConnections()
		h.srv.Shutdown(t.Context())
		h.ts.Close()
	})
	return h
}

func (h *harness) url(q string) string { return h.ts.URL + "/engine.io/?" + q }

func (h *harness) do(t *testing.T, method, q, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, h.url(q), strings.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, q, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

type openPacket struct {
	SID          string   `json:"sid"`
	Upgrades     []string `json:"upgrades"`
	PingInterval int      `json:"pingInterval"`
	PingTimeout  int      `json:"pingTimeout"`
	MaxPayload   int      `json:"maxPayload"`
}

func (h *harness) handshake(t *testing.T) openPacket {
	t.Helper()
	code, body := h.do(t, "GET", "EIO=4&transport=polling", "")
	if code != 200 || body[0] != '0' {
		t.Fatalf("handshake: %d %q", code, body)
	}
	var op openPacket
	if err := json.Unmarshal([]byte(body[1:]), &op); err != nil {
		t.Fatal(err)
	}
	return op
}

func TestHandshakeOpenPacket(t *testing.T) {
	h := newHarness(t, Options{PingInterval: 300 * time.Millisecond, PingTimeout: 200 * time.Millisecond})
	_, body := h.do(t, "GET", "EIO=4&transport=polling", "")
	var keys map[string]any
	json.Unmarshal([]byte(body[1:]), &keys)
	if len(keys) != 5 {
		t.Fatalf("open packet keys: %v", keys)
	}
	op := h.handshake(t)
	if len(op.SID) != 20 || op.PingInterval != 300 || op.PingTimeout != 200 || op.MaxPayload != 1e6 ||
		len(op.Upgrades) != 1 || op.Upgrades[0] != "websocket" {
		t.Fatalf("open packet: %+v", op)
	}
}

func TestHTTPErrors(t *testing.T) {
	h := newHarness(t, Options{})
	op := h.handshake(t)
	tests := []struct {
		method, query string
		status        int
		body          string
	}{
		{"GET", "transport=polling", 400, `{"code":5,"message":"Unsupported protocol version"}`},
		{"GET", "EIO=abc&transport=polling", 400, `{"code":5,"message":"Unsupported protocol version"}`},
		{"GET", "EIO=3&transport=polling", 400, `{"code":5,"message":"Unsupported protocol version"}`},
		{"GET", "EIO=4", 400, `{"code":0,"message":"Transport unknown"}`},
		{"GET", "EIO=4&transport=abc", 400, `{"code":0,"message":"Transport unknown"}`},
		{"POST", "EIO=4&transport=polling", 400, `{"code":2,"message":"Bad handshake method"}`},
		{"PUT", "EIO=4&transport=polling", 400, `{"code":2,"message":"Bad handshake method"}`},
		{"GET", "EIO=4&transport=polling&sid=nope", 400, `{"code":1,"message":"Session ID unknown"}`},
		{"GET", "EIO=4&transport=websocket", 400, `{"code":3,"message":"Bad request"}`},
		{"GET", "EIO=4&transport=websocket&sid=" + op.SID, 400, `{"code":3,"message":"Bad request"}`},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.query, func(t *testing.T) {
			code, body := h.do(t, tt.method, tt.query, "")
			if code != tt.status || body != tt.body {
				t.Fatalf("got %d %s, want %d %s", code, body, tt.status, tt.body)
			}
		})
	}
}

func TestForbiddenOrigin(t *testing.T) {
	h := newHarness(t, Options{})
	req, _ := http.NewRequest("GET", h.url("EIO=4&transport=polling"), nil)
	req.Header.Set("Origin", "http://evil.example")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 403 || string(b) != `{"code":4,"message":"Forbidden"}` {
		t.Fatalf("got %d %s", res.StatusCode, b)
	}
	h2 := newHarness(t, Options{CORS: CORS{AllowedOrigins: []string{"*"}, AllowCredentials: true}})
	req, _ = http.NewRequest("GET", h2.url("EIO=4&transport=polling"), nil)
	req.Header.Set("Origin", "http://any.example")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "http://any.example" ||
		res.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Fatalf("CORS headers: %d %v", res.StatusCode, res.Header)
	}
}

func TestPollingEcho(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.handshake(t).SID
	q := "EIO=4&transport=polling&sid=" + sid
	if code, body := h.do(t, "POST", q, "4hello\x1e4world\x1ebAQIDBA=="); code != 200 || body != "ok" {
		t.Fatalf("POST: %d %q", code, body)
	}
	if code, body := h.do(t, "GET", q, ""); code != 200 || body != "4hello\x1e4world\x1ebAQIDBA==" {
		t.Fatalf("GET: %d %q", code, body)
	}
	// A close packet ends the session: the GET the client may have sent
	// with it gets a noop, then the sid is unknown.
	h.do(t, "POST", q, "1")
	if code, body := h.do(t, "GET", q, ""); code != 200 || body != "6" {
		t.Fatalf("GET along with close: %d %q", code, body)
	}
	if code, body := h.do(t, "GET", q, ""); code != 400 || !strings.Contains(body, `"code":1`) {
		t.Fatalf("GET after close: %d %q", code, body)
	}
}

func TestPollingPayloadTooLarge(t *testing.T) {
	h := newHarness(t, Options{MaxPayload: 100})
	sid := h.handshake(t).SID
	q := "EIO=4&transport=polling&sid=" + sid
	if code, _ := h.do(t, "POST", q, "4"+strings.Repeat("x", 200)); code != 413 {
		t.Fatalf("oversized POST: %d", code)
	}
	if code, _ := h.do(t, "GET", q, ""); code != 400 {
		t.Fatalf("session survived an oversized POST: %d", code)
	}
}

func TestPollingParseErrorClosesSession(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.handshake(t).SID
	q := "EIO=4&transport=polling&sid=" + sid
	if code, _ := h.do(t, "POST", q, "9bogus"); code != 400 {
		t.Fatalf("bad packet: %d", code)
	}
	waitGone(t, h.srv, sid)
}

func TestDuplicateGetClosesSession(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.handshake(t).SID
	q := "EIO=4&transport=polling&sid=" + sid
	first := make(chan string)
	go func() { _, b := h.do(t, "GET", q, ""); first <- b }()
	waitFor(t, func() bool { s := h.srv.lookup(sid); return s != nil && pending(s) })
	if code, _ := h.do(t, "GET", q, ""); code != 400 {
		t.Fatalf("second GET: %d", code)
	}
	if b := <-first; b != "1" {
		t.Fatalf("first GET got %q, want close packet", b)
	}
	waitGone(t, h.srv, sid)
}

func pending(s *Session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.getPending
}

func TestHeartbeatTimeout(t *testing.T) {
	h := newHarness(t, Options{PingInterval: 50 * time.Millisecond, PingTimeout: 50 * time.Millisecond})
	sid := h.handshake(t).SID
	q := "EIO=4&transport=polling&sid=" + sid
	if _, body := h.do(t, "GET", q, ""); body != "2" {
		t.Fatalf("want ping, got %q", body)
	}
	waitGone(t, h.srv, sid)
	if r := h.echos[0].closeReason(t); r != ReasonPingTimeout {
		t.Fatalf("reason %q", r)
	}
}

func (e *echo) closeReason(t *testing.T) string {
	select {
	case <-e.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("receiver not closed")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.reason
}

func TestHeartbeatAnswered(t *testing.T) {
	h := newHarness(t, Options{PingInterval: 50 * time.Millisecond, PingTimeout: 100 * time.Millisecond})
	sid := h.handshake(t).SID
	q := "EIO=4&transport=polling&sid=" + sid
	for range 4 {
		if _, body := h.do(t, "GET", q, ""); body != "2" {
			t.Fatalf("want ping, got %q", body)
		}
		h.do(t, "POST", q, "3")
	}
	if h.srv.lookup(sid) == nil {
		t.Fatal("session closed although every ping was answered")
	}
}

func dial(t *testing.T, h *harness, q string) *websocket.Conn {
	t.Helper()
	u := "ws" + strings.TrimPrefix(h.url(q), "http")
	c, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func read(t *testing.T, c *websocket.Conn) (int, string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	mt, b, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return mt, string(b)
}

func TestWebsocketEcho(t *testing.T) {
	h := newHarness(t, Options{})
	c := dial(t, h, "EIO=4&transport=websocket")
	_, open := read(t, c)
	var op openPacket
	if open[0] != '0' || json.Unmarshal([]byte(open[1:]), &op) != nil || len(op.Upgrades) != 0 {
		t.Fatalf("open: %q", open)
	}
	c.WriteMessage(websocket.TextMessage, []byte("4hello"))
	c.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3})
	if mt, m := read(t, c); mt != websocket.TextMessage || m != "4hello" {
		t.Fatalf("text echo: %d %q", mt, m)
	}
	if mt, m := read(t, c); mt != websocket.BinaryMessage || m != "\x01\x02\x03" {
		t.Fatalf("binary echo: %d %q", mt, m)
	}
}

func TestWebsocketMessageTooBig(t *testing.T) {
	h := newHarness(t, Options{MaxPayload: 100})
	c := dial(t, h, "EIO=4&transport=websocket")
	read(t, c)
	c.WriteMessage(websocket.TextMessage, []byte("4"+strings.Repeat("x", 200)))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Fatalf("want close 1009, got %v", err)
	}
}

func TestWebsocketInvalidPacketCloses(t *testing.T) {
	for _, msg := range []string{"9x", "\xff\xfe", "", "2"} {
		h := newHarness(t, Options{})
		c := dial(t, h, "EIO=4&transport=websocket")
		read(t, c)
		c.WriteMessage(websocket.TextMessage, []byte(msg))
		if r := h.echos[0].closeReason(t); r != ReasonParseError {
			t.Fatalf("%q: reason %q", msg, r)
		}
	}
}

func TestUpgrade(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.handshake(t).SID
	q := "EIO=4&transport=polling&sid=" + sid
	got := make(chan string)
	go func() { _, b := h.do(t, "GET", q, ""); got <- b }()
	waitFor(t, func() bool { return pending(h.srv.lookup(sid)) })
	c := dial(t, h, "EIO=4&transport=websocket&sid="+sid)
	c.WriteMessage(websocket.TextMessage, []byte("2probe"))
	if _, m := read(t, c); m != "3probe" {
		t.Fatalf("probe answer %q", m)
	}
	if b := <-got; b != "6" {
		t.Fatalf("pending GET released with %q, want noop", b)
	}
	// Queued while upgrading: must arrive on the websocket, in order.
	s := h.srv.lookup(sid)
	s.Send(Packet{Type: Message, Data: []byte("a")}, Packet{Type: Message, Data: []byte("b")})
	c.WriteMessage(websocket.TextMessage, []byte("5"))
	for _, want := range []string{"4a", "4b"} {
		if _, m := read(t, c); m != want {
			t.Fatalf("after upgrade got %q, want %q", m, want)
		}
	}
	c.WriteMessage(websocket.TextMessage, []byte("4ws"))
	if _, m := read(t, c); m != "4ws" {
		t.Fatalf("echo over ws: %q", m)
	}
	if code, body := h.do(t, "GET", q, ""); code != 400 || !strings.Contains(body, `"code":3`) {
		t.Fatalf("polling after upgrade: %d %q", code, body)
	}
}

func TestServerCloseWebsocket(t *testing.T) {
	h := newHarness(t, Options{})
	c := dial(t, h, "EIO=4&transport=websocket")
	read(t, c)
	waitFor(t, func() bool { return h.srv.Len() == 1 })
	h.mu.Lock()
	s := h.echos[0].s
	h.mu.Unlock()
	s.Send(Packet{Type: Message, Data: []byte("bye")})
	s.Close()
	if _, m := read(t, c); m != "4bye" {
		t.Fatalf("got %q", m)
	}
	if _, m := read(t, c); m != "1" {
		t.Fatalf("got %q, want close packet", m)
	}
	waitGone(t, h.srv, s.ID())
}

func TestSlowConsumerIsCutOff(t *testing.T) {
	h := newHarness(t, Options{MaxQueuedBytes: 1 << 16})
	sid := h.handshake(t).SID
	s := h.srv.lookup(sid)
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		err = s.Send(Packet{Type: Message, Data: make([]byte, 1024)})
	}
	if err != ErrSlowConsumer {
		t.Fatalf("want ErrSlowConsumer, got %v", err)
	}
	if r := h.echos[0].closeReason(t); r != ReasonSlowConsumer {
		t.Fatalf("reason %q", r)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func waitGone(t *testing.T, srv *Server, sid string) {
	t.Helper()
	waitFor(t, func() bool { return srv.lookup(sid) == nil })
}
