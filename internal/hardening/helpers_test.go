package hardening

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/namespace"
)

var soakFor = flag.Duration("soak", 0, "how long TestSoak runs (default 10s, 5s with -short)")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Hub is the namespace the tests serve at "/": every socket joins room
// "bench"; its handlers cover the cases the tests need.
type Hub struct {
	namespace.Namespace

	mu      sync.Mutex
	reasons map[string]string // socket id → disconnect reason
	gone    chan string       // reasons, as they come
	block   chan struct{}     // OnBlock waits on it
}

func newHub() *Hub {
	return &Hub{reasons: map[string]string{}, gone: make(chan string, 100_000), block: make(chan struct{})}
}

// OnConnect joins room "bench".
func (h *Hub) OnConnect(s *namespace.Socket) error {
	s.Join("bench")
	return nil
}

// OnDisconnect records the reason.
func (h *Hub) OnDisconnect(s *namespace.Socket, reason string) {
	h.mu.Lock()
	h.reasons[s.ID()] = reason
	h.mu.Unlock()
	select {
	case h.gone <- reason:
	default:
	}
}

// reason returns the disconnect reason of socket id, "" while connected.
func (h *Hub) reason(id string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.reasons[id]
}

// OnEcho acknowledges with its args.
func (h *Hub) OnEcho(s *namespace.Socket, args ...json.RawMessage) namespace.RawArgs { return args }

// OnBroadcast sends its first arg to room "bench" as "msg".
func (h *Hub) OnBroadcast(s *namespace.Socket, args ...json.RawMessage) error {
	if len(args) == 0 {
		return nil
	}
	return h.To("bench").Emit("msg", args[0])
}

// OnBoom panics.
func (h *Hub) OnBoom(s *namespace.Socket) error { panic("boom: secret-panic-text") }

// OnSecret fails with internal text that must not reach clients.
func (h *Hub) OnSecret(s *namespace.Socket) error {
	return fmt.Errorf("dial db: password=hunter2 refused")
}

// OnBlock blocks until the test releases it.
func (h *Hub) OnBlock(s *namespace.Socket) string {
	<-h.block
	return "unblocked"
}

// server is an app served over httptest.
type server struct {
	t   testing.TB
	app *app.App
	hub *Hub
	srv *httptest.Server
	url string // http://127.0.0.1:port
}

// newServer serves a Hub at "/" on an app with options o. The app is shut
// down and the listener closed when the test ends.
func newServer(t testing.TB, o app.Options, setup ...func(*app.App)) *server {
	t.Helper()
	a := app.New(o)
	hub := newHub()
	if err := a.Register(hub); err != nil {
		t.Fatal(err)
	}
	for _, fn := range setup {
		fn(a)
	}
	// The http.Server is the one app documents for production use.
	srv := httptest.NewUnstartedServer(a)
	srv.Config = app.NewHTTPServer("", a)
	srv.Start()
	s := &server{t: t, app: a, hub: hub, srv: srv, url: srv.URL}
	t.Cleanup(s.close)
	return s
}

func (s *server) close() {
	select {
	case <-s.hub.block:
	default:
		close(s.hub.block)
	}
	// Polling sessions that never fetch their close packet hold Shutdown
	// until the deadline: keep it short.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s.app.Shutdown(ctx)
	s.srv.CloseClientConnections()
	s.srv.Close()
}

func (s *server) addr() string { return strings.TrimPrefix(s.url, "http://") }

func (s *server) wsURL() string {
	return "ws://" + s.addr() + "/socket.io/?EIO=4&transport=websocket"
}

// wsClient is a raw Engine.IO/Socket.IO client over gorilla/websocket.
type wsClient struct {
	t    testing.TB
	c    *websocket.Conn
	sid  string // Socket.IO socket id on "/"
	eio  string
	conn net.Conn
}

// dialWS opens a websocket session and connects namespace "/".
func (s *server) dialWS(t testing.TB, auth string) *wsClient {
	t.Helper()
	c := s.dialEngine(t)
	c.connect(auth)
	return c
}

// dialEngine opens a websocket session without joining a namespace.
func (s *server) dialEngine(t testing.TB) *wsClient {
	t.Helper()
	var nc net.Conn
	d := websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		c, err := net.Dial(network, addr)
		nc = c
		return c, err
	}}
	c, _, err := d.Dial(s.wsURL(), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	wc := &wsClient{t: t, c: c, conn: nc}
	msg := wc.read()
	var open struct{ Sid string }
	if !strings.HasPrefix(msg, "0") || json.Unmarshal([]byte(msg[1:]), &open) != nil {
		t.Fatalf("open packet: %q", msg)
	}
	wc.eio = open.Sid
	return wc
}

func (c *wsClient) connect(auth string) {
	c.t.Helper()
	c.write("40" + auth)
	msg := c.read()
	var ok struct{ Sid string }
	if !strings.HasPrefix(msg, "40") || json.Unmarshal([]byte(msg[2:]), &ok) != nil {
		c.t.Fatalf("connect reply: %q", msg)
	}
	c.sid = ok.Sid
}

func (c *wsClient) write(msg string) {
	c.t.Helper()
	if err := c.c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		c.t.Fatalf("write %q: %v", msg, err)
	}
}

// read returns the next text message that is not a ping, answering pings.
func (c *wsClient) read() string {
	c.t.Helper()
	msg, err := c.next(10 * time.Second)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return msg
}

// next is read returning the error.
func (c *wsClient) next(timeout time.Duration) (string, error) {
	for {
		c.c.SetReadDeadline(time.Now().Add(timeout))
		_, b, err := c.c.ReadMessage()
		if err != nil {
			return "", err
		}
		if string(b) == "2" {
			c.c.WriteMessage(websocket.TextMessage, []byte("3"))
			continue
		}
		return string(b), nil
	}
}

func (c *wsClient) close() { c.c.Close() }

// rawWS is a websocket client on a bare TCP connection, to send frames
// gorilla's client would not (one huge frame, invalid UTF-8, fragments).
type rawWS struct {
	conn net.Conn
	br   *bufio.Reader
}

// dialRaw upgrades a bare connection to the session URL path (a query
// string after /socket.io/) and reads the open packet.
func (s *server) dialRaw(t testing.TB) *rawWS {
	t.Helper()
	conn, err := net.Dial("tcp", s.addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	key := make([]byte, 16)
	rand.Read(key)
	fmt.Fprintf(conn, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"+
		"Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", s.addr(), base64.StdEncoding.EncodeToString(key))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	r := &rawWS{conn: conn, br: br}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if op, p, err := r.readFrame(); err != nil || op != websocket.TextMessage || p[0] != '0' {
		t.Fatalf("open: %d %q %v", op, p, err)
	}
	return r
}

// writeFrame writes one masked client frame.
func (r *rawWS) writeFrame(fin bool, opcode int, payload []byte) error {
	return r.writeHeader(fin, opcode, len(payload), payload)
}

// writeHeader writes a frame header announcing n payload bytes and then
// the payload given (which may be shorter than n).
func (r *rawWS) writeHeader(fin bool, opcode, n int, payload []byte) error {
	b0 := byte(opcode)
	if fin {
		b0 |= 0x80
	}
	hdr := []byte{b0}
	switch {
	case n < 126:
		hdr = append(hdr, 0x80|byte(n))
	case n <= 0xffff:
		hdr = binary.BigEndian.AppendUint16(append(hdr, 0x80|126), uint16(n))
	default:
		hdr = binary.BigEndian.AppendUint64(append(hdr, 0x80|127), uint64(n))
	}
	hdr = append(hdr, 0, 0, 0, 0) // zero mask: payload goes as is
	_, err := r.conn.Write(append(hdr, payload...))
	return err
}

// readFrame reads one server frame (servers do not mask).
func (r *rawWS) readFrame() (int, []byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(r.br, h[:]); err != nil {
		return 0, nil, err
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(r.br, b[:]); err != nil {
			return 0, nil, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(r.br, b[:]); err != nil {
			return 0, nil, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	p := make([]byte, n)
	_, err := io.ReadFull(r.br, p)
	return int(h[0] & 0x0f), p, err
}

// closeCode reads frames until a close frame or the end of the
// connection; it returns the close code, or -1 if the connection ended
// without one.
func (r *rawWS) closeCode(timeout time.Duration) int {
	r.conn.SetReadDeadline(time.Now().Add(timeout))
	for {
		op, p, err := r.readFrame()
		if err != nil {
			return -1
		}
		if op == websocket.CloseMessage {
			if len(p) < 2 {
				return websocket.CloseNoStatusReceived
			}
			return int(binary.BigEndian.Uint16(p))
		}
	}
}

// httpClient returns a client with its own connection pool, closed when
// the test ends so that no keep-alive goroutine outlives it.
func httpClient(t testing.TB) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 20 * time.Second}
}

// liveHeap returns the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	// The heap the collection found live: HeapAlloc would add what the
	// load under test allocated since, which grows with its speed and
	// with how late this goroutine runs, not with what it keeps.
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// heapPeak samples the live heap every interval until stopped and returns
// the largest sample.
type heapPeak struct {
	stop chan struct{}
	done chan uint64
}

func watchHeap(every time.Duration) *heapPeak {
	h := &heapPeak{stop: make(chan struct{}), done: make(chan uint64, 1)}
	go func() {
		var peak uint64
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			if v := liveHeap(); v > peak {
				peak = v
			}
			select {
			case <-h.stop:
				h.done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) Stop() uint64 {
	close(h.stop)
	return <-h.done
}

// fdCount returns the number of open file descriptors of this process.
func fdCount(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// eventually polls cond until it holds or timeout passes.
func eventually(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// mb formats bytes as MB with one decimal.
func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }
