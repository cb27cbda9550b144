package hardening

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/inproc"
)

const (
	oversizeTotal = 50 << 20 // bytes a hostile client tries to send
	heapSlack     = 8 << 20  // "a few MB" of server heap growth allowed (measured 0.1–4.1 MB; GC noise)
)

// pollingSID opens a polling session and returns its sid.
func (s *server) pollingSID(t testing.TB, c *http.Client) string {
	t.Helper()
	resp, err := c.Get(s.url + "/socket.io/?EIO=4&transport=polling")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var open struct{ Sid string }
	if resp.StatusCode != 200 || len(body) < 2 || json.Unmarshal(body[1:], &open) != nil {
		t.Fatalf("handshake: %d %q", resp.StatusCode, body)
	}
	return open.Sid
}

// TestOversizedPollingPost sends 50 MB to a session whose maxPayload is
// 1 MB, three ways, and checks the server neither accepts nor buffers it.
// With a Content-Length under the limit (a lie: 50 MB follow), HTTP gives
// the declared bytes to the session as one body; what follows is read as
// the next request, which must be refused. The declared body is a valid
// Engine.IO message but not a Socket.IO packet ("aaa…"), so the Socket.IO
// layer closes the session for it.
func TestOversizedPollingPost(t *testing.T) {
	s := newServer(t, app.Options{Engine: engine.Options{MaxPayload: 1_000_000}})
	hc := httpClient(t)
	tests := []struct {
		name      string
		header    string
		chunked   bool
		declared  bool // the declared body is valid: its answer may be 200
		wantClose bool // the session is closed
	}{
		{"honest Content-Length", fmt.Sprintf("Content-Length: %d\r\n", oversizeTotal), false, false, true},
		{"lying Content-Length", "Content-Length: 1000\r\n", false, true, true},
		{"chunked", "Transfer-Encoding: chunked\r\n", true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sid := s.pollingSID(t, hc)
			base := liveHeap()
			peak := watchHeap(20 * time.Millisecond)
			statuses, sent, elapsed := postFlood(t, s.addr(), sid, tt.header, tt.chunked)
			grew := int64(peak.Stop()) - int64(base)
			t.Logf("%s: statuses %v, last after %s; client wrote %s before the server stopped it; peak heap growth %s",
				tt.name, statuses, elapsed.Round(time.Millisecond), mb(sent), mb(grew))
			if tt.declared && len(statuses) > 0 {
				statuses = statuses[1:]
			}
			for _, st := range statuses {
				if st >= 200 && st < 300 {
					t.Errorf("status %d: oversized input was accepted", st)
				}
			}
			if sent >= oversizeTotal {
				t.Errorf("the server took all %s", mb(sent))
			}
			if grew > heapSlack {
				t.Errorf("heap grew by %s, want at most %s", mb(grew), mb(heapSlack))
			}
			open := sessionOpen(t, hc, s, sid, tt.wantClose)
			if open == tt.wantClose {
				t.Errorf("session open = %v after the POST, want %v", open, !tt.wantClose)
			}
		})
	}
}

// sessionOpen reports whether the server still knows sid, by polling it
// (a closed session answers 400 with code 1, or a close packet).
func sessionOpen(t testing.TB, hc *http.Client, s *server, sid string, wait bool) bool {
	var open bool
	timeout := 5 * time.Second
	if !wait {
		timeout = 0
	}
	eventually(timeout, func() bool {
		resp, err := hc.Post(s.url+"/socket.io/?EIO=4&transport=polling&sid="+sid, "text/plain", strings.NewReader("3"))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		open = resp.StatusCode == 200
		return !open
	})
	return open
}

// postFlood writes a POST with header and a body of up to oversizeTotal
// bytes (chunked when asked) while reading the answers; it returns the
// statuses of the responses read before the connection closed, the bytes
// written and the time to the last answer.
func postFlood(t *testing.T, addr, sid, header string, chunked bool) ([]int, int64, time.Duration) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST /socket.io/?EIO=4&transport=polling&sid=%s HTTP/1.1\r\nHost: %s\r\n"+
		"Content-Type: text/plain;charset=UTF-8\r\n%s\r\n", sid, addr, header)
	var (
		statuses []int
		last     time.Duration
	)
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		br := bufio.NewReader(conn)
		for {
			conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses = append(statuses, resp.StatusCode)
			last = time.Since(start)
			if resp.StatusCode >= 400 {
				return
			}
		}
	}()
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	chunk[0] = '4'
	if chunked {
		chunk = append(append([]byte(fmt.Sprintf("%x\r\n", len(chunk))), chunk...), "\r\n"...)
	}
	var sent int64
	conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	for sent < oversizeTotal {
		if _, err := conn.Write(chunk); err != nil {
			break
		}
		sent += int64(len(chunk))
		select {
		case <-answered:
			conn.Close()
			return statuses, sent, last
		default:
		}
	}
	conn.(*net.TCPConn).CloseWrite()
	<-answered
	return statuses, sent, last
}

// TestOversizedWebsocketMessage sends a message over maxPayload in one
// frame and in many fragments: the server closes with 1009 at once.
func TestOversizedWebsocketMessage(t *testing.T) {
	const limit = 1_000_000
	s := newServer(t, app.Options{Engine: engine.Options{MaxPayload: limit}})
	tests := []struct {
		name string
		send func(r *rawWS) error
	}{
		{"one frame announcing 50 MB", func(r *rawWS) error {
			return r.writeHeader(true, websocket.TextMessage, oversizeTotal, []byte("4aaaa"))
		}},
		{"64 KB fragments", func(r *rawWS) error {
			chunk := bytes.Repeat([]byte("a"), 64<<10)
			op := websocket.TextMessage
			for sent := 0; sent < oversizeTotal; sent += len(chunk) {
				if err := r.writeFrame(false, op, chunk); err != nil {
					return nil // closed by the server: expected
				}
				op = 0 // continuation
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.dialRaw(t)
			base := liveHeap()
			start := time.Now()
			done := make(chan error, 1)
			go func() { done <- tt.send(r) }()
			code := r.closeCode(10 * time.Second)
			elapsed := time.Since(start)
			r.conn.Close()
			<-done
			grew := int64(liveHeap()) - int64(base)
			t.Logf("%s: close code %d after %s, heap growth %s", tt.name, code, elapsed.Round(time.Millisecond), mb(grew))
			if code != websocket.CloseMessageTooBig {
				t.Errorf("close code %d, want %d", code, websocket.CloseMessageTooBig)
			}
			if elapsed > 3*time.Second {
				t.Errorf("closed after %s, want at once", elapsed)
			}
			if !eventually(5*time.Second, func() bool { return inproc.Sessions(s.app) == 0 }) {
				t.Errorf("session still open")
			}
		})
	}
}
