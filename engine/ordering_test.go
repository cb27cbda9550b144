package engine

import (
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The ordering tests pin what a client observes when two of its requests
// race on the server: each must hold by construction, whichever goroutine
// runs first. Run them in a loop to look for races:
//
//	go test -race -count=200 -run 'Ordering' ./engine/

// readerModes runs a test with websockets read through the poller and
// with a reader goroutine each.
var readerModes = []struct {
	name    string
	readers int
}{
	{"poller", -1},
	{"goroutines", 1 << 20},
}

// upgradeTo runs the polling handshake and a websocket probe up to the
// stage given: "probing" (the websocket is open), "upgrading" (3probe
// received) or "upgraded" (5 sent and the session switched).
func upgradeTo(t *testing.T, h *harness, stage string) (sid, q string, c *websocket.Conn) {
	t.Helper()
	sid, q = h.session(t)
	c = dial(t, h, "EIO=4&transport=websocket&sid="+sid)
	if stage == "probing" {
		waitFor(t, func() bool { s := h.srv.lookup(sid); s.mu.Lock(); defer s.mu.Unlock(); return s.probeLocked() != nil })
		return sid, q, c
	}
	c.WriteMessage(websocket.TextMessage, []byte("2probe"))
	if _, m := read(t, c); m != "3probe" {
		t.Fatalf("probe answer %q", m)
	}
	if stage == "upgraded" {
		c.WriteMessage(websocket.TextMessage, []byte("5"))
		waitFor(t, func() bool { return h.srv.lookup(sid).Transport() == transportWebsocket })
	}
	return sid, q, c
}

// TestOrderingSecondWebsocketClosed: a websocket for a session that is
// probing, upgrading or upgraded completes its handshake (101) and is
// then closed by the server; the first one keeps working.
func TestOrderingSecondWebsocketClosed(t *testing.T) {
	for _, mode := range readerModes {
		for _, stage := range []string{"probing", "upgrading", "upgraded"} {
			t.Run(mode.name+"/"+stage, func(t *testing.T) {
				h := newHarness(t, Options{ReaderGoroutines: mode.readers})
				sid, _, c := upgradeTo(t, h, stage)
				c2, res, err := dialErr(h, "EIO=4&transport=websocket&sid="+sid)
				if err != nil {
					t.Fatalf("second websocket: %v (response %v), want 101 then close", err, res)
				}
				c2.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, _, err = c2.ReadMessage()
				c2.Close()
				if _, ok := err.(*websocket.CloseError); !ok {
					t.Fatalf("second websocket: %v, want a close frame", err)
				}
				switch stage {
				case "probing":
					c.WriteMessage(websocket.TextMessage, []byte("2probe"))
					if _, m := read(t, c); m != "3probe" {
						t.Fatalf("probe answer %q", m)
					}
					fallthrough
				case "upgrading":
					c.WriteMessage(websocket.TextMessage, []byte("5"))
				}
				c.WriteMessage(websocket.TextMessage, []byte("4hello"))
				if _, m := read(t, c); m != "4hello" {
					t.Fatalf("first websocket after the second: %q", m)
				}
			})
		}
	}
}

// TestOrderingPollingAfterUpgrade: once the client has sent 5, its next
// polling request (sent right after, without waiting) gets 400: after
// 3probe came back, or with 2probe and 5 sent as soon as the websocket
// opened.
func TestOrderingPollingAfterUpgrade(t *testing.T) {
	const bad = `{"code":3,"message":"Bad request"}`
	for _, mode := range readerModes {
		for _, tt := range []struct{ method, stage string }{
			{"GET", "upgrading"}, {"POST", "upgrading"}, {"GET", "open"}, {"POST", "open"},
		} {
			method := tt.method
			t.Run(mode.name+"/"+method+"/"+tt.stage, func(t *testing.T) {
				h := newHarness(t, Options{ReaderGoroutines: mode.readers})
				var q string
				var c *websocket.Conn
				if tt.stage == "open" {
					var sid string
					sid, q = h.session(t)
					c = dial(t, h, "EIO=4&transport=websocket&sid="+sid)
					c.WriteMessage(websocket.TextMessage, []byte("2probe"))
				} else {
					_, q, c = upgradeTo(t, h, "upgrading")
				}
				c.WriteMessage(websocket.TextMessage, []byte("5"))
				if code, body := h.do(t, method, q, "4late"); code != 400 || body != bad {
					t.Fatalf("%s right after 5: %d %q, want 400 %s", method, code, body, bad)
				}
				if tt.stage == "open" {
					if _, m := read(t, c); m != "3probe" {
						t.Fatalf("probe answer %q", m)
					}
				}
				c.WriteMessage(websocket.TextMessage, []byte("4hello"))
				if _, m := read(t, c); m != "4hello" {
					t.Fatalf("websocket after the refused request: %q", m)
				}
			})
		}
	}
}

// TestOrderingCloseAndGet: a close packet in a POST and a GET sent at the
// same time: the GET is answered 200 with a noop whichever the server
// sees first, then the session is gone. The same during an upgrade.
func TestOrderingCloseAndGet(t *testing.T) {
	for _, tt := range []struct{ name, order, stage string }{
		{"post first", "post", ""},
		{"get first", "get", ""},
		{"together", "", ""},
		{"together while upgrading", "", "upgrading"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			var sid, q string
			if tt.stage != "" {
				sid, q, _ = upgradeTo(t, h, tt.stage)
			} else {
				sid, q = h.session(t)
			}
			type answer struct {
				code int
				body string
			}
			got := make(chan answer, 1)
			get := func() { code, body := h.do(t, "GET", q, ""); got <- answer{code, body} }
			post := func() {
				if code, body := h.do(t, "POST", q, "1"); code != 200 || body != "ok" {
					t.Errorf("POST 1: %d %q", code, body)
				}
			}
			switch tt.order {
			case "post":
				post()
				go get()
			case "get":
				go get()
				waitFor(t, func() bool { s := h.srv.lookup(sid); return s != nil && pending(s) })
				post()
			default:
				var wg sync.WaitGroup
				wg.Go(get)
				wg.Go(post)
				wg.Wait()
			}
			if a := <-got; a.code != 200 || a.body != "6" {
				t.Fatalf("GET beside the close: %d %q, want 200 \"6\"", a.code, a.body)
			}
			h.assertGone(t, sid)
			if r := h.echo(t, 0).closeReason(t); r != ReasonTransportClose {
				t.Fatalf("reason %q", r)
			}
		})
	}
}

// TestOrderingHeartbeatDeadline: a session that never answers its ping is
// gone once pingInterval + pingTimeout have passed since its handshake,
// on a loaded machine too (busy goroutines delay the server's timers).
func TestOrderingHeartbeatDeadline(t *testing.T) {
	const interval, timeout = 40 * time.Millisecond, 30 * time.Millisecond
	for _, mode := range readerModes {
		for _, transport := range []string{"polling", "websocket"} {
			t.Run(mode.name+"/"+transport, func(t *testing.T) {
				h := newHarness(t, Options{ReaderGoroutines: mode.readers, PingInterval: interval, PingTimeout: timeout})
				stop := loadCPU()
				defer stop()
				if transport == "polling" {
					sid := h.handshake(t).SID
					time.Sleep(interval + timeout)
					code, body := h.do(t, "GET", "EIO=4&transport=polling&sid="+sid, "")
					stop()
					if code != 400 {
						t.Fatalf("GET after pingInterval+pingTimeout without pong: %d %q, want 400", code, body)
					}
					return
				}
				// A silent websocket sends no request: only the server's
				// timer ends it, within a margin of its deadline. (The
				// server's side is timed: the busy goroutines starve the
				// client's read of the close for long.)
				dial(t, h, "EIO=4&transport=websocket")
				e := h.echo(t, 0)
				r := e.closeReason(t)
				stop()
				e.mu.Lock()
				took := e.closedAt.Sub(e.openedAt)
				e.mu.Unlock()
				if most := interval + timeout + 300*time.Millisecond; took > most || r != ReasonPingTimeout {
					t.Fatalf("silent websocket closed after %v with reason %q, want at most %v and %q", took, r, most, ReasonPingTimeout)
				}
			})
		}
	}
}

// loadCPU keeps every processor busy until the returned func is called.
func loadCPU() (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	for range 2 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for !done.Load() {
				for i := 0; i < 1e5; i++ {
					_ = net.IPv4len * i
				}
			}
		})
	}
	var once sync.Once
	return func() { once.Do(func() { done.Store(true); wg.Wait() }) }
}

// echo returns the receiver of the i-th session, once it exists.
func (h *harness) echo(t *testing.T, i int) *echo {
	t.Helper()
	waitFor(t, func() bool { h.mu.Lock(); defer h.mu.Unlock(); return len(h.echos) > i })
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.echos[i]
}
