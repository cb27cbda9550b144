package engine

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// These tests drive the transports from the wire side, on the rules of
// protocol.md part 1 that a real client seldom exercises.

func (h *harness) session(t *testing.T) (sid, q string) {
	t.Helper()
	sid = h.handshake(t).SID
	return sid, "EIO=4&transport=polling&sid=" + sid
}

// assertGone checks that the session ended and its sid is now unknown.
func (h *harness) assertGone(t *testing.T, sid string) {
	t.Helper()
	waitGone(t, h.srv, sid)
	code, body := h.do(t, "GET", "EIO=4&transport=polling&sid="+sid, "")
	if code != 400 || body != `{"code":1,"message":"Session ID unknown"}` {
		t.Fatalf("sid still usable after close: %d %q", code, body)
	}
}

func TestPostOctetStreamRefused(t *testing.T) {
	h := newHarness(t, Options{})
	sid, q := h.session(t)
	req, _ := http.NewRequest("POST", h.url(q), strings.NewReader("4hello"))
	req.Header.Set("Content-Type", "application/octet-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 {
		t.Fatalf("octet-stream POST: %d, want 400", res.StatusCode)
	}
	h.assertGone(t, sid)
	if r := h.echos[0].closeReason(t); r != ReasonParseError {
		t.Fatalf("reason %q", r)
	}
}

func postActive(s *Session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.postActive
}

func TestOverlappingPostsCloseSession(t *testing.T) {
	h := newHarness(t, Options{})
	sid, q := h.session(t)
	pr, pw := io.Pipe()
	first := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", h.url(q), pr)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			first <- 0
			return
		}
		res.Body.Close()
		first <- res.StatusCode
	}()
	pw.Write([]byte("4a")) // the body stays open: the POST is in flight
	waitFor(t, func() bool { s := h.srv.lookup(sid); return s != nil && postActive(s) })
	if code, _ := h.do(t, "POST", q, "4b"); code != 400 {
		t.Fatalf("overlapping POST: %d, want 400", code)
	}
	pw.Close()
	<-first
	h.assertGone(t, sid)
	if r := h.echos[0].closeReason(t); r != ReasonTransportError {
		t.Fatalf("reason %q", r)
	}
}

func TestClosePacketReleasesPendingGet(t *testing.T) {
	h := newHarness(t, Options{})
	sid, q := h.session(t)
	got := make(chan string, 1)
	go func() { _, b := h.do(t, "GET", q, ""); got <- b }()
	waitFor(t, func() bool { s := h.srv.lookup(sid); return s != nil && pending(s) })
	if code, body := h.do(t, "POST", q, "1"); code != 200 || body != "ok" {
		t.Fatalf("POST 1: %d %q", code, body)
	}
	select {
	case b := <-got:
		if b != "6" {
			t.Fatalf("pending GET released with %q, want noop 6", b)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("pending GET not released")
	}
	h.assertGone(t, sid)
	if r := h.echos[0].closeReason(t); r != ReasonTransportClose {
		t.Fatalf("reason %q", r)
	}
}

// dialErr dials a websocket and returns the error instead of failing.
func dialErr(h *harness, q string) (*websocket.Conn, *http.Response, error) {
	u := "ws" + strings.TrimPrefix(h.url(q), "http")
	return websocket.DefaultDialer.Dial(u, nil)
}

// refusedOrClosed checks that a websocket dial was refused before the 101
// or that the accepted socket is closed without any message.
func refusedOrClosed(t *testing.T, c *websocket.Conn, res *http.Response, err error) {
	t.Helper()
	if err != nil {
		if res == nil || res.StatusCode != 400 {
			t.Fatalf("second websocket: %v %v", err, res)
		}
		return
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if mt, m, err := c.ReadMessage(); err == nil {
		t.Fatalf("second websocket got message %d %q, want close", mt, m)
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("second websocket left open")
	}
}

func TestSecondWebsocketRefused(t *testing.T) {
	for _, stage := range []string{"probing", "upgrading"} {
		t.Run(stage, func(t *testing.T) {
			h := newHarness(t, Options{})
			sid, q := h.session(t)
			c := dial(t, h, "EIO=4&transport=websocket&sid="+sid)
			if stage == "upgrading" {
				c.WriteMessage(websocket.TextMessage, []byte("2probe"))
				if _, m := read(t, c); m != "3probe" {
					t.Fatalf("probe answer %q", m)
				}
			} else {
				waitFor(t, func() bool { s := h.srv.lookup(sid); s.mu.Lock(); defer s.mu.Unlock(); return s.probeLocked() != nil })
			}
			c2, res, err := dialErr(h, "EIO=4&transport=websocket&sid="+sid)
			refusedOrClosed(t, c2, res, err)
			// The first probe is unharmed and completes the upgrade.
			if stage == "probing" {
				c.WriteMessage(websocket.TextMessage, []byte("2probe"))
				if _, m := read(t, c); m != "3probe" {
					t.Fatalf("probe answer %q", m)
				}
			}
			c.WriteMessage(websocket.TextMessage, []byte("5"))
			c.WriteMessage(websocket.TextMessage, []byte("4ws"))
			if _, m := read(t, c); m != "4ws" {
				t.Fatalf("echo after upgrade: %q", m)
			}
			if code, _ := h.do(t, "GET", q, ""); code != 400 {
				t.Fatalf("polling after upgrade: %d", code)
			}
		})
	}
}

func TestProbeGarbageKeepsPolling(t *testing.T) {
	tests := []struct {
		name string
		msgs []string
	}{
		{"before 2probe", []string{"4garbage"}},
		{"after 2probe", []string{"2probe", "4garbage"}},
		{"binary after 2probe", []string{"2probe", "\x00binary"}},
		{"5 without probe", []string{"5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			sid, q := h.session(t)
			c := dial(t, h, "EIO=4&transport=websocket&sid="+sid)
			for _, m := range tt.msgs {
				mt := websocket.TextMessage
				if m[0] == 0 {
					mt = websocket.BinaryMessage
				}
				c.WriteMessage(mt, []byte(m))
				if m == "2probe" {
					if _, got := read(t, c); got != "3probe" {
						t.Fatalf("probe answer %q", got)
					}
				}
			}
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if mt, m, err := c.ReadMessage(); err == nil {
				t.Fatalf("probe socket got %d %q, want it closed", mt, m)
			}
			waitFor(t, func() bool {
				s := h.srv.lookup(sid)
				s.mu.Lock()
				defer s.mu.Unlock()
				return s.probeLocked() == nil && !s.upgrading
			})
			if code, body := h.do(t, "POST", q, "4still polling"); code != 200 || body != "ok" {
				t.Fatalf("POST after failed probe: %d %q", code, body)
			}
			if code, body := h.do(t, "GET", q, ""); code != 200 || body != "4still polling" {
				t.Fatalf("GET after failed probe: %d %q", code, body)
			}
			if tr := h.srv.lookup(sid).Transport(); tr != transportPolling {
				t.Fatalf("transport %q", tr)
			}
		})
	}
}

func TestPollingAfterUpgradeRefused(t *testing.T) {
	h := newHarness(t, Options{})
	sid, q := h.session(t)
	c := dial(t, h, "EIO=4&transport=websocket&sid="+sid)
	// The client may send 2probe and 5 back to back.
	c.WriteMessage(websocket.TextMessage, []byte("2probe"))
	c.WriteMessage(websocket.TextMessage, []byte("5"))
	if _, m := read(t, c); m != "3probe" {
		t.Fatalf("probe answer %q", m)
	}
	waitFor(t, func() bool { return h.srv.lookup(sid).Transport() == transportWebsocket })
	const bad = `{"code":3,"message":"Bad request"}`
	for _, method := range []string{"GET", "POST"} {
		if code, body := h.do(t, method, q, "4x"); code != 400 || body != bad {
			t.Fatalf("%s after upgrade: %d %q", method, code, body)
		}
	}
	c2, res, err := dialErr(h, "EIO=4&transport=websocket&sid="+sid)
	refusedOrClosed(t, c2, res, err)
	c.WriteMessage(websocket.TextMessage, []byte("4alive"))
	if _, m := read(t, c); m != "4alive" {
		t.Fatalf("session after refused requests: %q", m)
	}
}

// TestLyingContentLength sends only the headers of a POST announcing more
// than MaxPayload: the answer must come without the body being read.
func TestLyingContentLength(t *testing.T) {
	h := newHarness(t, Options{MaxPayload: 100})
	sid, q := h.session(t)
	conn, err := net.Dial("tcp", h.ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	_, err = io.WriteString(conn, "POST /engine.io/?"+q+" HTTP/1.1\r\nHost: x\r\n"+
		"Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 100000000\r\n\r\n4abc")
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 413 {
		t.Fatalf("status %d, want 413", res.StatusCode)
	}
	h.assertGone(t, sid)
}

func TestChunkedPostTooLarge(t *testing.T) {
	h := newHarness(t, Options{MaxPayload: 100})
	tests := []struct {
		size   int
		status int
	}{{150, 413}, {100, 200}}
	for _, tt := range tests {
		sid, q := h.session(t)
		conn, err := net.Dial("tcp", h.ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		// Two chunks, no length announced.
		half := tt.size / 2
		chunk := func(s string) string { return strconv.FormatInt(int64(len(s)), 16) + "\r\n" + s + "\r\n" }
		body := chunk("4"+strings.Repeat("x", half-1)) + chunk(strings.Repeat("y", tt.size-half)) + "0\r\n\r\n"
		_, err = io.WriteString(conn, "POST /engine.io/?"+q+" HTTP/1.1\r\nHost: x\r\n"+
			"Content-Type: text/plain;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n"+body)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.status {
			t.Fatalf("chunked body of %d bytes: status %d, want %d", tt.size, res.StatusCode, tt.status)
		}
		if tt.status == 413 {
			h.assertGone(t, sid)
		} else if h.srv.lookup(sid) == nil {
			t.Fatal("session closed by a body within the limit")
		}
	}
}

// slowRecorder records messages, slowly, and then the close reason.
type slowRecorder struct {
	mu     sync.Mutex
	got    []string
	closed chan string
}

func (r *slowRecorder) OnMessage(data []byte, binary bool) {
	time.Sleep(20 * time.Millisecond)
	r.mu.Lock()
	r.got = append(r.got, string(data))
	r.mu.Unlock()
}

func (r *slowRecorder) OnClose(reason string) {
	r.mu.Lock()
	r.got = append(r.got, "close: "+reason)
	r.mu.Unlock()
	r.closed <- reason
}

// TestWebsocketPacketsBeforeCloseHandled checks that messages read before
// the client closed the websocket (or sent a bad packet) are all handled,
// in order, before the session closes: python-socketio sends its namespace
// DISCONNECT just before closing the socket.
func TestWebsocketPacketsBeforeCloseHandled(t *testing.T) {
	tests := []struct {
		name string
		last func(c *websocket.Conn)
		want string
	}{
		{"close frame", func(c *websocket.Conn) {
			c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
		}, "close: " + ReasonTransportClose},
		{"tcp close", func(c *websocket.Conn) { c.NetConn().Close() }, "close: " + ReasonTransportClose},
		{"close packet", func(c *websocket.Conn) { c.WriteMessage(websocket.TextMessage, []byte("1")) }, "close: " + ReasonTransportClose},
		{"bad packet", func(c *websocket.Conn) { c.WriteMessage(websocket.TextMessage, []byte("9")) }, "close: " + ReasonParseError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &slowRecorder{closed: make(chan string, 1)}
			srv := NewServer(Options{}, func(*Session) Receiver { return rec })
			ts := httptest.NewServer(srv)
			defer ts.Close()
			defer srv.Shutdown(t.Context())
			c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/?EIO=4&transport=websocket", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.ReadMessage() // open
			for _, m := range []string{"4a", "4b", "4c", "41"} {
				c.WriteMessage(websocket.TextMessage, []byte(m))
			}
			tt.last(c)
			select {
			case <-rec.closed:
			case <-time.After(5 * time.Second):
				t.Fatal("session not closed")
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if want := []string{"a", "b", "c", "1", tt.want}; strings.Join(rec.got, "|") != strings.Join(want, "|") {
				t.Fatalf("handled %q, want %q", rec.got, want)
			}
		})
	}
}
