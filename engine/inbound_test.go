package engine

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// blockedReceiver blocks every OnMessage until release is closed: a
// handler that sleeps while its client floods it.
type blockedReceiver struct{ release chan struct{} }

func (b blockedReceiver) OnMessage([]byte, bool) { <-b.release }
func (b blockedReceiver) OnClose(string)         {}

// inboundHeld sums what the server's sessions hold of their clients'
// input: messages queued or being handled and partial frames.
func inboundHeld(srv *Server) int {
	srv.mu.RLock()
	defer srv.mu.RUnlock()
	n := 0
	for _, s := range srv.sessions {
		s.mu.Lock()
		n += s.inboundBytes + int(s.readerHeld)
		s.mu.Unlock()
	}
	return n
}

// heapAlloc returns the live heap after a full collection.
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestInboundMemoryBounded floods sessions whose handler sleeps with
// messages of MaxPayload bytes: the server's heap must not grow by more
// than MaxInboundBytes per connection plus a small constant, on both
// transports and with both websocket readers.
func TestInboundMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("floods 200 connections")
	}
	const maxPayload = 64 << 10
	for _, tt := range []struct {
		name      string
		transport string
		readers   int
		conns     int
	}{
		{"websocket/poller", "websocket", -1, 200},
		{"websocket/goroutines", "websocket", 1 << 20, 200},
		{"polling", "polling", -1, 100},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rcv := blockedReceiver{release: make(chan struct{})}
			srv := NewServer(Options{MaxPayload: maxPayload, ReaderGoroutines: tt.readers}, func(*Session) Receiver { return rcv })
			ts := httptest.NewServer(srv)
			ctx, cancel := context.WithCancel(t.Context())
			var senders sync.WaitGroup
			defer func(t1 time.Time) {
				defer func() { t.Logf("cleanup took %v", time.Since(t1)) }()
				cancel()
				close(rcv.release)
				ts.CloseClientConnections()
				senders.Wait()
				srv.Shutdown(t.Context())
				ts.Close()
			}(time.Now())
			bound := srv.opts.MaxInboundBytes
			flood := startWebsockets
			if tt.transport == "polling" {
				flood = startPolling
			}
			start := flood(t, ts.URL, tt.conns)
			waitFor(t, func() bool { return srv.Len() == tt.conns })
			before := heapAlloc()
			start(ctx, &senders, maxPayload)
			t0 := time.Now()

			// Wait until every reader has stopped: what is held no longer grows.
			last, stable := -1, 0
			for deadline := time.Now().Add(20 * time.Second); stable < 5 && time.Now().Before(deadline); {
				time.Sleep(100 * time.Millisecond)
				if held := inboundHeld(srv); held == last {
					stable++
				} else {
					last, stable = held, 0
				}
			}
			t.Logf("flood settled after %v", time.Since(t0))
			after := heapAlloc()
			growth := int64(after) - int64(before)
			allowed := int64(bound*tt.conns) + 16<<20
			t.Logf("%d connections, MaxInboundBytes %d: held %d bytes by count, heap grew %d bytes (allowed %d)",
				tt.conns, bound, last, growth, allowed)
			if last > bound*tt.conns {
				t.Errorf("sessions hold %d bytes of input, more than %d × %d", last, bound, tt.conns)
			}
			if last < maxPayload*tt.conns {
				t.Errorf("sessions hold %d bytes: the flood did not reach the server", last)
			}
			if growth > allowed {
				t.Errorf("heap grew by %d bytes, more than MaxInboundBytes × %d + 16 MiB = %d", growth, tt.conns, allowed)
			}
		})
	}
}

// startWebsockets opens n websockets; the returned func makes each send
// messages of size bytes until ctx ends.
func startWebsockets(t *testing.T, base string, n int) func(context.Context, *sync.WaitGroup, int) {
	conns := make([]*websocket.Conn, n)
	u := "ws" + strings.TrimPrefix(base, "http") + "/?EIO=4&transport=websocket"
	for i := range conns {
		c, _, err := websocket.DefaultDialer.Dial(u, nil)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		conns[i] = c
		c.ReadMessage() // open
		// A small send buffer: what the kernel holds is not the server's
		// heap, and filling large ones only slows the test down.
		c.NetConn().(*net.TCPConn).SetWriteBuffer(32 << 10)
	}
	return func(ctx context.Context, wg *sync.WaitGroup, size int) {
		msg := append([]byte("4"), bytes.Repeat([]byte("x"), size-1)...)
		for _, c := range conns {
			wg.Go(func() {
				defer c.Close()
				go func() { <-ctx.Done(); c.NetConn().Close() }()
				for ctx.Err() == nil && c.WriteMessage(websocket.TextMessage, msg) == nil {
				}
			})
		}
	}
}

// startPolling opens n polling sessions; the returned func makes each
// POST bodies of size bytes, one at a time, until ctx ends.
func startPolling(t *testing.T, base string, n int) func(context.Context, *sync.WaitGroup, int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	urls := make([]string, n)
	for i := range urls {
		res, err := client.Get(base + "/?EIO=4&transport=polling")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(res.Body)
		res.Body.Close()
		sid := buf.String()[len(`0{"sid":"`):][:20]
		urls[i] = fmt.Sprintf("%s/?EIO=4&transport=polling&sid=%s", base, sid)
	}
	return func(ctx context.Context, wg *sync.WaitGroup, size int) {
		body := append([]byte("4"), bytes.Repeat([]byte("x"), size-1)...)
		for _, u := range urls {
			wg.Go(func() {
				for ctx.Err() == nil {
					req, _ := http.NewRequestWithContext(ctx, "POST", u, bytes.NewReader(body))
					res, err := client.Do(req)
					if err != nil {
						return
					}
					res.Body.Close()
				}
			})
		}
		wg.Go(func() { <-ctx.Done(); client.CloseIdleConnections() })
	}
}
