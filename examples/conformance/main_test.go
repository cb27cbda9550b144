package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"
)

// These tests build the real binary, run it on a free port and check the
// contract of shared/docs/conformance.md byte for byte with raw HTTP and
// websocket requests.

func TestMain(m *testing.M) {
	code := m.Run()
	shared.stop()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// binary is the conformance server built once for all tests.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func build(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "conformance-")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "conformance")
		out, err := exec.Command("go", "build", "-o", binary.path, ".").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// process is one running conformance server.
type process struct {
	cmd  *exec.Cmd
	addr string
	out  bytes.Buffer
	done chan struct{} // closed when the process exited
	err  error         // its exit status, once done is closed
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// start runs the binary on a free port, with env added to its
// environment, and waits until it accepts connections.
func start(t *testing.T, env ...string) *process {
	t.Helper()
	path := build(t)
	port := freePort(t)
	p := &process{addr: "127.0.0.1:" + port, done: make(chan struct{})}
	p.cmd = exec.Command(path)
	p.cmd.Env = append(append(os.Environ(), "PORT="+port), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", p.addr, time.Second)
		if err == nil {
			c.Close()
			return p
		}
		if time.Now().After(deadline) {
			p.kill()
			t.Fatalf("server not listening on %s: %v", p.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *process) kill() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	select {
	case <-p.done:
	default:
		p.cmd.Process.Kill()
		<-p.done
	}
}

// sharedServer is the server most tests probe; TestMain stops it.
type sharedServer struct {
	once sync.Once
	p    *process
}

var shared sharedServer

func (s *sharedServer) stop() {
	s.p.kill()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
}

func server(t *testing.T) string {
	t.Helper()
	shared.once.Do(func() { shared.p = start(t) })
	if shared.p == nil {
		t.Fatal("conformance server did not start")
	}
	return shared.p.addr
}

var client = &http.Client{Timeout: 5 * time.Second}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	res, err := client.Post(url, "text/plain;charset=UTF-8", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// openRE is the exact open packet: five keys in this order, these values.
var openRE = regexp.MustCompile(`^0\{"sid":"([A-Za-z0-9_-]{16,})","upgrades":(\["websocket"\]|\[\]),"pingInterval":300,"pingTimeout":200,"maxPayload":1000000\}$`)

func parseOpen(t *testing.T, packet, upgrades string) string {
	t.Helper()
	m := openRE.FindStringSubmatch(packet)
	if m == nil || m[2] != upgrades {
		t.Fatalf("open packet %q, want exactly sid, upgrades %s, pingInterval 300, pingTimeout 200, maxPayload 1000000", packet, upgrades)
	}
	return m[1]
}

// poller is a raw long-polling client.
type poller struct {
	t   *testing.T
	url string
	sid string
}

func openPolling(t *testing.T, path string) *poller {
	t.Helper()
	base := "http://" + server(t) + path + "?EIO=4&transport=polling"
	code, body := get(t, base)
	if code != 200 {
		t.Fatalf("handshake: %d %q", code, body)
	}
	sid := parseOpen(t, body, `["websocket"]`)
	return &poller{t: t, url: base + "&sid=" + sid, sid: sid}
}

func (p *poller) send(body string) {
	p.t.Helper()
	if code, b := post(p.t, p.url, body); code != 200 || b != "ok" {
		p.t.Fatalf("POST %q: %d %q", body, code, b)
	}
}

// recv GETs until it has n packets that are not pings (answering pings).
func (p *poller) recv(n int) []string {
	p.t.Helper()
	var got []string
	for len(got) < n {
		code, body := get(p.t, p.url)
		if code != 200 {
			p.t.Fatalf("GET: %d %q (have %q)", code, body, got)
		}
		for _, pk := range strings.Split(body, "\x1e") {
			if pk == "2" {
				p.send("3")
				continue
			}
			got = append(got, pk)
		}
	}
	return got
}

// wsConn is a raw websocket client.
type wsConn struct {
	t *testing.T
	c *websocket.Conn
}

func dialWS(t *testing.T, path, query string) *wsConn {
	t.Helper()
	u := "ws://" + server(t) + path + "?EIO=4&transport=websocket" + query
	c, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", u, err)
	}
	t.Cleanup(func() { c.Close() })
	return &wsConn{t: t, c: c}
}

// openWS dials and checks the open packet.
func openWS(t *testing.T, path string) *wsConn {
	t.Helper()
	w := dialWS(t, path, "")
	_, m := w.read(false)
	parseOpen(t, m, `[]`)
	return w
}

// read returns the next message; with pongs, pings are answered and
// skipped.
func (w *wsConn) read(pongs bool) (int, string) {
	w.t.Helper()
	for {
		w.c.SetReadDeadline(time.Now().Add(5 * time.Second))
		mt, b, err := w.c.ReadMessage()
		if err != nil {
			w.t.Fatalf("read: %v", err)
		}
		if pongs && mt == websocket.TextMessage && string(b) == "2" {
			w.write("3")
			continue
		}
		return mt, string(b)
	}
}

func (w *wsConn) expect(want ...string) {
	w.t.Helper()
	for _, m := range want {
		if mt, got := w.read(true); mt != websocket.TextMessage || got != m {
			w.t.Fatalf("got %d %q, want text %q", mt, got, m)
		}
	}
}

func (w *wsConn) expectBinary(want []byte) {
	w.t.Helper()
	if mt, got := w.read(true); mt != websocket.BinaryMessage || got != string(want) {
		w.t.Fatalf("got %d %q, want binary %q", mt, got, want)
	}
}

func (w *wsConn) write(m string) {
	w.t.Helper()
	if err := w.c.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
		w.t.Fatal(err)
	}
}

func (w *wsConn) writeBinary(b []byte) {
	w.t.Helper()
	if err := w.c.WriteMessage(websocket.BinaryMessage, b); err != nil {
		w.t.Fatal(err)
	}
}

var connectRE = regexp.MustCompile(`^40((?:/custom,)?)\{"sid":"[A-Za-z0-9_-]+"\}$`)

// connectSIO joins a namespace over ws and checks the reply and the auth
// event that must follow it at once.
func (w *wsConn) connectSIO(nsp, auth, wantAuth string) {
	w.t.Helper()
	prefix := ""
	if nsp != "/" {
		prefix = nsp + ","
	}
	w.write("40" + prefix + auth)
	_, m := w.read(true)
	if sm := connectRE.FindStringSubmatch(m); sm == nil || sm[1] != prefix {
		w.t.Fatalf("CONNECT reply %q, want 40%s{\"sid\":…} with only sid", m, prefix)
	}
	w.expect(`42` + prefix + `["auth",` + wantAuth + `]`)
}

func TestOpenPacket(t *testing.T) {
	addr := server(t)
	code, body := get(t, "http://"+addr+"/engine.io/?EIO=4&transport=polling")
	if code != 200 {
		t.Fatalf("polling handshake: %d %q", code, body)
	}
	parseOpen(t, body, `["websocket"]`)
	code, body = get(t, "http://"+addr+"/socket.io/?EIO=4&transport=polling")
	if code != 200 {
		t.Fatalf("socket.io polling handshake: %d %q", code, body)
	}
	parseOpen(t, body, `["websocket"]`)
	openWS(t, "/engine.io/")
	openWS(t, "/socket.io/")
	// CORS allows any origin.
	req, _ := http.NewRequest("GET", "http://"+addr+"/engine.io/?EIO=4&transport=polling", nil)
	req.Header.Set("Origin", "http://elsewhere.example")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "http://elsewhere.example" {
		t.Fatalf("CORS: %d %v", res.StatusCode, res.Header)
	}
}

func TestEngineEchoPolling(t *testing.T) {
	p := openPolling(t, "/engine.io/")
	p.send("4hello\x1ebAQIDBA==\x1e4é€")
	got := p.recv(3)
	want := []string{"4hello", "bAQIDBA==", "4é€"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("echo %q, want %q", got, want)
	}
}

func TestEngineEchoWebsocket(t *testing.T) {
	w := openWS(t, "/engine.io/")
	w.write("4hello")
	w.writeBinary([]byte{0, 1, 2, 0xff})
	w.write("4é€")
	w.expect("4hello")
	w.expectBinary([]byte{0, 1, 2, 0xff})
	w.expect("4é€")
}

func TestEngineUpgradeEcho(t *testing.T) {
	p := openPolling(t, "/engine.io/")
	w := dialWS(t, "/engine.io/", "&sid="+p.sid)
	w.write("2probe")
	w.expect("3probe")
	w.write("5")
	w.write("4after upgrade")
	w.expect("4after upgrade")
	code, body := get(t, p.url)
	if code != 400 || body != `{"code":3,"message":"Bad request"}` {
		t.Fatalf("polling after upgrade: %d %q", code, body)
	}
}

func TestSocketIOConnect(t *testing.T) {
	tests := []struct {
		name, nsp, auth, want string
	}{
		{"no auth", "/", "", "{}"},
		{"auth", "/", `{"token":"123"}`, `{"token":"123"}`},
		{"key order", "/", `{"z":1,"a":{"y":[2,{"c":null,"b":"é"}],"b":3.5}}`, `{"z":1,"a":{"y":[2,{"c":null,"b":"é"}],"b":3.5}}`},
		{"custom", "/custom", "", "{}"},
		{"custom auth", "/custom", `{"token":"456"}`, `{"token":"456"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := openWS(t, "/socket.io/")
			w.connectSIO(tt.nsp, tt.auth, tt.want)
		})
	}
}

// TestSocketIOConnectPolling checks the same over polling, where the CONNECT
// reply and the auth event may share one payload.
func TestSocketIOConnectPolling(t *testing.T) {
	p := openPolling(t, "/socket.io/")
	p.send(`40{"token":"123"}`)
	got := p.recv(2)
	if !connectRE.MatchString(got[0]) || got[1] != `42["auth",{"token":"123"}]` {
		t.Fatalf("got %q", got)
	}
	p.send(`42["message",1,"2",{"3":[false]}]`)
	if got := p.recv(1); got[0] != `42["message-back",1,"2",{"3":[false]}]` {
		t.Fatalf("message-back %q", got)
	}
	p.send(`451-["message",{"_placeholder":true,"num":0}]` + "\x1ebAQID")
	if got := p.recv(2); got[0] != `451-["message-back",{"_placeholder":true,"num":0}]` || got[1] != "bAQID" {
		t.Fatalf("binary message-back %q", got)
	}
}

func TestInvalidNamespace(t *testing.T) {
	w := openWS(t, "/socket.io/")
	w.write("40/random,")
	w.expect(`44/random,{"message":"Invalid namespace"}`)
	// The connection lives on: "/" can still be joined.
	w.connectSIO("/", "", "{}")
}

func TestMessages(t *testing.T) {
	w := openWS(t, "/socket.io/")
	w.connectSIO("/", "", "{}")
	w.write(`42["message",1,"2",{"3":[false]}]`)
	w.expect(`42["message-back",1,"2",{"3":[false]}]`)
	w.write(`42456["message-with-ack",1,"2",{"3":[false]}]`)
	w.expect(`43456[1,"2",{"3":[false]}]`)
	w.write(`42["message",{"z":"é","a":[]},null]`)
	w.expect(`42["message-back",{"z":"é","a":[]},null]`)
	w.write(`42["message"]`)
	w.expect(`42["message-back"]`)
}

func TestBinary(t *testing.T) {
	w := openWS(t, "/socket.io/")
	w.connectSIO("/", "", "{}")
	one, two := []byte{1, 2, 3}, []byte{4, 5, 6}
	w.write(`452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`)
	w.writeBinary(one)
	w.writeBinary(two)
	w.expect(`452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`)
	w.expectBinary(one)
	w.expectBinary(two)
	// Nested, with an ack.
	w.write(`452-7["message-with-ack",{"a":[{"_placeholder":true,"num":0}]},"x",{"_placeholder":true,"num":1}]`)
	w.writeBinary(two)
	w.writeBinary(one)
	w.expect(`462-7[{"a":[{"_placeholder":true,"num":0}]},"x",{"_placeholder":true,"num":1}]`)
	w.expectBinary(two)
	w.expectBinary(one)
}

func TestCustomNamespace(t *testing.T) {
	w := openWS(t, "/socket.io/")
	w.connectSIO("/custom", `{"k":"v"}`, `{"k":"v"}`)
	w.connectSIO("/", "", "{}")
	w.write(`42["message","on root"]`)
	w.expect(`42["message-back","on root"]`)
}

// closedWithin reads (answering pings when pongs) until the server closes
// the connection and returns when, after start.
func (w *wsConn) closedWithin(start time.Time, pongs bool, limit time.Duration) (time.Duration, []string) {
	w.t.Helper()
	var seen []string
	w.c.SetReadDeadline(start.Add(limit))
	for {
		_, b, err := w.c.ReadMessage()
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				w.t.Fatalf("still open after %v (saw %q)", limit, seen)
			}
			return time.Since(start), seen
		}
		seen = append(seen, string(b))
		if pongs && string(b) == "2" {
			w.write("3")
		}
	}
}

func TestConnectTimeout(t *testing.T) {
	start := time.Now()
	w := openWS(t, "/socket.io/")
	took, seen := w.closedWithin(start, true, 5*time.Second)
	if took < 900*time.Millisecond || took > 3*time.Second {
		t.Fatalf("closed after %v, want about 1s", took)
	}
	if len(seen) == 0 || seen[len(seen)-1] != "1" {
		t.Fatalf("saw %q, want a close packet last", seen)
	}
	// A session that joins stays past the timeout.
	w = openWS(t, "/socket.io/")
	w.connectSIO("/", "", "{}")
	deadline := time.Now().Add(1500 * time.Millisecond)
	for time.Now().Before(deadline) {
		w.write(`42["message",1]`)
		w.expect(`42["message-back",1]`)
		time.Sleep(100 * time.Millisecond)
	}
}

func TestHeartbeatWebsocket(t *testing.T) {
	start := time.Now()
	w := openWS(t, "/engine.io/")
	mt, m := w.read(false)
	if mt != websocket.TextMessage || m != "2" {
		t.Fatalf("first packet after open %q, want ping", m)
	}
	if at := time.Since(start); at < 250*time.Millisecond || at > 1500*time.Millisecond {
		t.Fatalf("first ping after %v, want about 300ms", at)
	}
	took, seen := w.closedWithin(start, false, 5*time.Second)
	if took < 450*time.Millisecond || took > 2500*time.Millisecond {
		t.Fatalf("unanswered session closed after %v, want about 500ms", took)
	}
	if len(seen) > 0 {
		t.Fatalf("after the ping, saw %q", seen)
	}
	// Answered pings keep a session alive well past the timeout.
	w = openWS(t, "/engine.io/")
	pings := 0
	for end := time.Now().Add(1300 * time.Millisecond); time.Now().Before(end); {
		if _, m := w.read(false); m == "2" {
			pings++
			w.write("3")
		}
	}
	w.write("4alive")
	w.expect("4alive")
	if pings < 3 {
		t.Fatalf("%d pings in 1.3s, want one every 300ms", pings)
	}
}

func TestHeartbeatPolling(t *testing.T) {
	start := time.Now()
	p := openPolling(t, "/engine.io/")
	code, body := get(t, p.url)
	if code != 200 || body != "2" {
		t.Fatalf("held GET: %d %q, want ping", code, body)
	}
	if at := time.Since(start); at < 250*time.Millisecond || at > 1500*time.Millisecond {
		t.Fatalf("ping after %v, want about 300ms", at)
	}
	time.Sleep(700 * time.Millisecond)
	code, body = get(t, p.url)
	if code != 400 || body != `{"code":1,"message":"Session ID unknown"}` {
		t.Fatalf("after a missed pong: %d %q", code, body)
	}
}

func TestSIGTERM(t *testing.T) {
	p := start(t)
	defer p.kill()
	u := "ws://" + p.addr + "/socket.io/?EIO=4&transport=websocket"
	c, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	c.ReadMessage() // open
	c.WriteMessage(websocket.TextMessage, []byte("40"))
	c.ReadMessage() // CONNECT reply
	c.ReadMessage() // auth
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	select {
	case <-p.done:
		if p.err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", p.err, p.out.String())
		}
	case <-ctx.Done():
		t.Fatal("still running 5s after SIGTERM")
	}
	// The client was told: it reads the close packet, then EOF.
	var seen []string
	for {
		_, b, err := c.ReadMessage()
		if err != nil {
			break
		}
		seen = append(seen, string(b))
	}
	if len(seen) == 0 || seen[len(seen)-1] != "1" {
		t.Fatalf("client saw %q before the close, want a close packet", seen)
	}
	if _, err := net.DialTimeout("tcp", p.addr, time.Second); err == nil {
		t.Fatal("port still open after exit")
	}
}

// TestPollingBinaryBase64 checks that binary sent on a websocket-less
// session goes out base64 in the payload.
func TestPollingBinaryBase64(t *testing.T) {
	p := openPolling(t, "/engine.io/")
	data := []byte{0xde, 0xad, 0xbe, 0xef, 0x1e}
	p.send("b" + base64.StdEncoding.EncodeToString(data))
	if got := p.recv(1); got[0] != "b3q2+7x4=" {
		t.Fatalf("got %q", got)
	}
}
