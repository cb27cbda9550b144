package engine

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// blocker is a Receiver whose handlers can block: "4block" sends
// "4waiting" and waits until "4unblock" is intercepted (which only a
// reader can see), "4ask" does the same after telling the session it waits
// for its client, "4sleep" sleeps 60 ms; anything else is echoed.
type blocker struct {
	s       *Session
	release chan struct{} // a token per "4unblock"

	mu       sync.Mutex
	handled  []string
	onReader bool   // the last "4ask", "4block" or "4sleep" ran on the reader
	handing  uint32 // the reader's handling after WaitingForClient or the sleep
	reason   string
	closed   chan struct{}
}

func (b *blocker) Intercept(data []byte, _ bool) bool {
	if string(data) != "unblock" {
		return false
	}
	b.release <- struct{}{}
	return true
}

func (b *blocker) OnMessage(data []byte, binary bool) {
	msg := string(data)
	b.mu.Lock()
	b.handled = append(b.handled, msg)
	b.mu.Unlock()
	switch msg {
	case "ask", "block":
		b.onReaderDuring(func() {
			if msg == "ask" {
				b.s.WaitingForClient()
			}
		})
		b.s.Send(Packet{Type: Message, Data: []byte("waiting")})
		select {
		case <-b.release:
			msg = "released"
		case <-time.After(5 * time.Second):
			msg = "still blocked"
		}
	case "sleep":
		b.onReaderDuring(func() { time.Sleep(60 * time.Millisecond) })
	}
	b.s.Send(Packet{Type: Message, Data: []byte(msg), Binary: binary})
}

// onReaderDuring runs f in a handler and notes whether the handler runs
// on the reader goroutine and the reader's handling state after f. One
// dispatcher runs at a time: if the reader runs one, it is this one.
func (b *blocker) onReaderDuring(f func()) {
	b.s.mu.Lock()
	var r *ownReader
	if b.s.x != nil {
		r = b.s.x.reader
	}
	b.s.mu.Unlock()
	if r == nil {
		f()
		b.mu.Lock()
		b.onReader, b.handing = false, 0
		b.mu.Unlock()
		return
	}
	before := r.handling.Load()
	f()
	b.mu.Lock()
	b.onReader, b.handing = before != 0, r.handling.Load()
	b.mu.Unlock()
}

func (b *blocker) OnClose(reason string) {
	b.mu.Lock()
	b.reason = reason
	b.mu.Unlock()
	close(b.closed)
}

// blockerServer serves blockers with o, each websocket getting a reader
// goroutine once busy (o.ReaderGoroutines places in all).
func blockerServer(t *testing.T, o Options) (*Server, *httptest.Server, chan *blocker) {
	t.Helper()
	opened := make(chan *blocker, 16)
	srv := NewServer(o, func(s *Session) Receiver {
		b := &blocker{s: s, release: make(chan struct{}, 16), closed: make(chan struct{})}
		opened <- b
		return b
	})
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.CloseClientConnections()
		srv.Shutdown(t.Context())
		ts.Close()
	})
	return srv, ts, opened
}

// dialServer opens a websocket session on ts.
func dialServer(t *testing.T, ts *httptest.Server) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// busyWebsocket dials ts and sends two messages, so that the websocket
// gets a reader goroutine of its own.
func busyWebsocket(t *testing.T, srv *Server, ts *httptest.Server) *websocket.Conn {
	t.Helper()
	c := dialServer(t, ts)
	read(t, c)
	for i := range 2 {
		c.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, "4warm%d", i))
		if _, m := read(t, c); m != fmt.Sprintf("4warm%d", i) {
			t.Fatalf("warm-up echo %d: %q", i, m)
		}
	}
	waitFor(t, func() bool { return srv.readers.Load() == 1 })
	return c
}

// TestBlockedHandlerHandsReadingOver: a handler that blocks on its
// reader goroutine until the client sends something gets the reading
// handed to a new goroutine by the watchdog, which reads what unblocks it;
// the reader's place passes on and is freed once the websocket closes.
func TestBlockedHandlerHandsReadingOver(t *testing.T) {
	srv, ts, opened := blockerServer(t, Options{ReaderGoroutines: 4})
	c := busyWebsocket(t, srv, ts)
	b := <-opened
	askUntilOnReader(t, c, b, "4block")
	for i := range 20 { // the new reader reads and handles in order
		c.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, "4after%d", i))
	}
	for i := range 20 {
		if _, m := read(t, c); m != fmt.Sprintf("4after%d", i) {
			t.Fatalf("message %d after the hand-over: %q", i, m)
		}
	}
	if n := srv.readers.Load(); n != 1 {
		t.Fatalf("%d reader goroutines after the hand-over, want 1", n)
	}
	c.Close()
	<-b.closed
	waitFor(t, func() bool { return srv.readers.Load() == 0 })
	srv.watch.mu.Lock()
	left := len(srv.watch.readers)
	srv.watch.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d readers still watched after the close", left)
	}
}

// askUntilOnReader sends msg, a blocking one, and the message that
// unblocks it, until msg was handled on the reader goroutine: the first
// messages after the move to a reader goroutine may still be handled by
// the poller read's dispatcher.
func askUntilOnReader(t *testing.T, c *websocket.Conn, b *blocker, msg string) {
	t.Helper()
	for range 50 {
		c.WriteMessage(websocket.TextMessage, []byte(msg))
		if _, m := read(t, c); m != "4waiting" {
			t.Fatalf("reply to %s: %q, want 4waiting", msg, m)
		}
		c.WriteMessage(websocket.TextMessage, []byte("4unblock")) // read only by a new reader if msg blocks the reader
		if _, m := read(t, c); m != "4released" {
			t.Fatalf("reply to %s: %q, want 4released", msg, m)
		}
		b.mu.Lock()
		onReader := b.onReader
		b.mu.Unlock()
		if onReader {
			return
		}
	}
	t.Fatalf("%s never handled on the reader", msg)
}

// TestWaitingForClientHandsOverAtOnce: a handler that says it waits for
// its client has its reader's reading handed over before the call
// returns, without waiting for the watchdog.
func TestWaitingForClientHandsOverAtOnce(t *testing.T) {
	srv, ts, opened := blockerServer(t, Options{ReaderGoroutines: 4})
	c := busyWebsocket(t, srv, ts)
	b := <-opened
	askUntilOnReader(t, c, b, "4ask")
	b.mu.Lock()
	handing := b.handing
	b.mu.Unlock()
	if handing != handedOver {
		t.Fatalf("reader's state after WaitingForClient: %d, want handed over", handing)
	}
	c.WriteMessage(websocket.TextMessage, []byte("4again"))
	if _, m := read(t, c); m != "4again" {
		t.Fatalf("echo after the hand-over: %q", m)
	}
}

// TestSlowHandlerKeepsOrder: while a handler sleeps on the reader, the
// watchdog hands the reading over; what the client sent meanwhile is
// queued behind it and handled in order, and the session, which the
// client closes at last, ends once it is all handled.
func TestSlowHandlerKeepsOrder(t *testing.T) {
	srv, ts, opened := blockerServer(t, Options{ReaderGoroutines: 4})
	c := busyWebsocket(t, srv, ts)
	b := <-opened
	var want []string
	for round := 0; ; round++ {
		c.WriteMessage(websocket.TextMessage, []byte("4sleep"))
		want = append(want, "sleep")
		for i := range 40 {
			time.Sleep(time.Millisecond) // spread over the sleep, across the hand-over
			c.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, "4m%d.%d", round, i))
			want = append(want, fmt.Sprintf("m%d.%d", round, i))
		}
		for i := range 41 {
			if _, m := read(t, c); m != "4"+want[len(want)-41+i] {
				t.Fatalf("round %d, reply %d: %q, want %q", round, i, m, "4"+want[len(want)-41+i])
			}
		}
		// A dispatcher still running when the sleep came (the poller
		// read's, or one a hand-over left) may have run it; try again.
		b.mu.Lock()
		onReader, handing := b.onReader, b.handing
		b.mu.Unlock()
		if onReader {
			if handing != handedOver {
				t.Fatalf("reader's state after the sleep: %d, want handed over", handing)
			}
			break
		}
		if round == 20 {
			t.Fatal("the sleep never ran on the reader")
		}
	}
	c.WriteMessage(websocket.TextMessage, []byte("4last"))
	want = append(want, "last")
	c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	select {
	case <-b.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("session not closed")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if got := b.handled[2:]; strings.Join(got, " ") != strings.Join(want, " ") { // after the warm-up
		t.Fatalf("handled %q, want %q", got, want)
	}
	if b.reason != ReasonTransportClose {
		t.Fatalf("close reason %q", b.reason)
	}
	waitFor(t, func() bool { return srv.readers.Load() == 0 })
}

// TestWatchdogSleepsWhenIdle: the watchdog's timer stops once no reader
// has run handlers for a while, and the next handling run starts it again.
func TestWatchdogSleepsWhenIdle(t *testing.T) {
	srv, ts, opened := blockerServer(t, Options{ReaderGoroutines: 4})
	c := busyWebsocket(t, srv, ts)
	b := <-opened
	askUntilOnReader(t, c, b, "4block") // a run on the reader: the timer runs
	waitFor(t, func() bool { return !srv.watch.armed.Load() })
	askUntilOnReader(t, c, b, "4block") // handed over: the timer ran again
	if !srv.watch.armed.Load() {
		t.Fatal("watchdog not running right after a hand-over")
	}
}

// TestIdleReaderReturnsToPoller: a websocket whose reader goroutine sees
// no message for a ping interval (pongs only) goes back to the poller,
// freeing its place; its messages go on in order, and two more move it to
// a reader goroutine again.
func TestIdleReaderReturnsToPoller(t *testing.T) {
	srv, ts, opened := blockerServer(t, Options{ReaderGoroutines: 4, PingInterval: 40 * time.Millisecond, PingTimeout: time.Second})
	c := dialServer(t, ts)
	b := <-opened

	var (
		wmu     sync.Mutex // the client's writes: the test's and the pongs
		pending []byte     // the rest of a frame partly written, written before anything else
	)
	write := func(m string) {
		wmu.Lock()
		defer wmu.Unlock()
		if pending != nil {
			c.NetConn().Write(pending)
			pending = nil
		}
		c.WriteMessage(websocket.TextMessage, []byte(m))
	}
	got := make(chan string, 64)
	pings := make(chan struct{}, 64)
	go func() { // the client's reader: answers pings, passes on the rest
		defer close(got)
		for {
			_, m, err := c.ReadMessage()
			if err != nil {
				return
			}
			if string(m) == "2" {
				write("3")
				select {
				case pings <- struct{}{}:
				default:
				}
				continue
			}
			got <- string(m)
		}
	}()
	next := func() string {
		t.Helper()
		select {
		case m := <-got:
			return m
		case <-time.After(5 * time.Second):
			t.Fatal("no message")
			return ""
		}
	}
	if m := next(); m[0] != '0' {
		t.Fatalf("open: %q", m)
	}
	for round := range 3 {
		for i := range 3 {
			write(fmt.Sprintf("4r%d.%d", round, i))
			if m := next(); m != fmt.Sprintf("4r%d.%d", round, i) {
				t.Fatalf("round %d, echo %d: %q", round, i, m)
			}
		}
		waitFor(t, func() bool { return srv.readers.Load() == 1 })
		// Silent but for pongs: back to the poller after a ping interval.
		waitFor(t, func() bool { return srv.readers.Load() == 0 })
		b.s.mu.Lock()
		fd := b.s.fd
		b.s.mu.Unlock()
		if fd < 0 {
			t.Fatalf("round %d: no reader goroutine and not on the poller", round)
		}
	}
	srv.watch.mu.Lock()
	watched := len(srv.watch.readers)
	srv.watch.mu.Unlock()
	if watched != 0 {
		t.Fatalf("%d readers still watched", watched)
	}

	// A frame partly read when the reader leaves is completed by the
	// poller's reads.
	for i := range 3 {
		write(fmt.Sprintf("4p%d", i))
		if m := next(); m != fmt.Sprintf("4p%d", i) {
			t.Fatalf("echo %d: %q", i, m)
		}
	}
	waitFor(t, func() bool { return srv.readers.Load() == 1 })
	// The first ping after the last echo was sent by a heartbeat that
	// saw the messages; the next one finds the websocket idle.
	for len(pings) > 0 {
		<-pings
	}
	<-pings
	// Half a frame; the rest goes with the pong to the next ping, which
	// the server sends right after it told the reader to leave: the
	// reader's next read is cut short whatever it holds, so the rest is
	// read through the poller.
	frame := clientFrame(true, opText, []byte("4partial"))
	wmu.Lock()
	c.NetConn().Write(frame[:7])
	pending = frame[7:]
	wmu.Unlock()
	if m := next(); m != "4partial" {
		t.Fatalf("echo of the frame read across the move: %q", m)
	}
	if n := srv.readers.Load(); n != 0 {
		t.Fatalf("%d reader goroutines after the move, want 0", n)
	}
}
