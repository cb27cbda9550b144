package engine

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// burst is a Receiver that answers "go" with n messages of size
// bytes each, message i filled with byte 'a'+i%26, and records when it
// returned; any other message gets "done".
type burst struct {
	s        *Session
	n, size  int
	returned chan struct{}
	err      error // of the first Send that failed
}

func (b *burst) OnMessage(data []byte, _ bool) {
	if string(data) != "go" {
		b.s.Send(Packet{Type: Message, Data: []byte("done")})
		return
	}
	for i := range b.n {
		if b.err = b.s.Send(Packet{Type: Message, Data: bytes.Repeat([]byte{byte('a' + i%26)}, b.size)}); b.err != nil {
			break
		}
	}
	close(b.returned)
}

func (b *burst) OnClose(string) {}

// TestWebsocketRepliesToSlowReader: a handler replying with far more than
// the socket takes while the client does not read returns at once (its
// write never waits); the client, pinging meanwhile, then reads every
// frame whole and in order, its pongs among them.
func TestWebsocketRepliesToSlowReader(t *testing.T) {
	const n, size = 64, 64 << 10 // 4 MiB: more than loopback's send and receive buffers
	for _, mode := range readerModes {
		t.Run(mode.name, func(t *testing.T) {
			b := &burst{n: n, size: size, returned: make(chan struct{})}
			srv := NewServer(Options{ReaderGoroutines: mode.readers, MaxQueuedBytes: 2 * n * size},
				func(s *Session) Receiver { b.s = s; return b })
			ts := httptest.NewServer(srv)
			t.Cleanup(func() {
				ts.CloseClientConnections()
				srv.Shutdown(t.Context())
				ts.Close()
			})
			c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/engine.io/?EIO=4&transport=websocket", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var pongs atomic.Int32
			c.SetPongHandler(func(string) error { pongs.Add(1); return nil })
			if _, m := read(t, c); m[0] != '0' {
				t.Fatalf("open: %q", m)
			}
			c.WriteMessage(websocket.TextMessage, []byte("4go"))
			select {
			case <-b.returned:
				if b.err != nil {
					t.Fatalf("Send: %v", b.err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the handler waited for the client to read")
			}
			for range 3 {
				c.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(time.Second))
			}
			for i := range n {
				mt, m := read(t, c)
				want := "4" + strings.Repeat(string(rune('a'+i%26)), size)
				if mt != websocket.TextMessage || m != want {
					t.Fatalf("message %d: type %d, %d bytes starting %.8q; want %d bytes of %c", i, mt, len(m), m, len(want), 'a'+i%26)
				}
			}
			// The pongs arrive in the stream too (handled by ReadMessage);
			// one more round trip makes sure the last is read.
			c.WriteMessage(websocket.TextMessage, []byte("4last"))
			if _, m := read(t, c); m != "4done" {
				t.Fatalf("after the burst: %q", m)
			}
			if got := pongs.Load(); got != 3 {
				t.Fatalf("%d pongs, want 3", got)
			}
		})
	}
}
