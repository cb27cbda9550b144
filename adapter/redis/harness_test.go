package redis_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	redisadapter "github.com/socketeer/socketeer/adapter/redis"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/internal/testenv"
	"github.com/socketeer/socketeer/namespace"
)

// waitTimeout bounds every wait for something to cross the cluster.
const waitTimeout = 10 * time.Second

// newClient returns a go-redis client of addr, closed when the test ends
// (after the nodes, whose cleanups were registered later).
func newClient(t *testing.T, addr string) *goredis.Client {
	t.Helper()
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// testKey returns a channel prefix of the test's own, so that runs and
// tests sharing one Redis do not see each other's messages.
func testKey(t *testing.T) string {
	return "socketeer-test-" + rediswire.NewID(8)
}

// testNS is the namespace every Socketeer node of the tests serves.
type testNS struct {
	namespace.Namespace
	serverSide atomic.Pointer[func(event string, args []json.RawMessage)]
	answer     atomic.Pointer[func(event string, args []json.RawMessage) (any, error)]
}

// OnServerSideEmit passes what other nodes send with ServerSideEmit to the
// function the test set with onServerSide, and answers with the one set
// with onAnswer; without one it does not answer.
func (n *testNS) OnServerSideEmit(event string, args []json.RawMessage) (any, error) {
	if fn := n.serverSide.Load(); fn != nil {
		(*fn)(event, args)
	}
	if fn := n.answer.Load(); fn != nil {
		return (*fn)(event, args)
	}
	return nil, fmt.Errorf("no answer to %q", event)
}

// OnJoin makes the socket join room and acknowledges "ok".
func (n *testNS) OnJoin(s *namespace.Socket, room string) string {
	s.Join(room)
	return "ok"
}

// node is one Socketeer server of a test cluster.
type node struct {
	handlers *testNS
	app      *app.App
	srv      *httptest.Server
	url      string
}

func (n *node) ns() *namespace.Namespace { return n.app.Of("/") }

// onServerSide sets what receives the node's server-side events.
func (n *node) onServerSide(fn func(event string, args []json.RawMessage)) {
	n.handlers.serverSide.Store(&fn)
}

// onAnswer sets what answers the node's server-side events.
func (n *node) onAnswer(fn func(event string, args []json.RawMessage) (any, error)) {
	n.handlers.answer.Store(&fn)
}

// startNode starts a Socketeer node with the Redis adapter on rdb.
func startNode(t *testing.T, rdb goredis.UniversalClient, key string) *node {
	t.Helper()
	return startNodeWith(t, rdb, key, app.ParserJSON)
}

// startNodeWith starts a Socketeer node of parser with the Redis adapter
// on rdb.
func startNodeWith(t *testing.T, rdb goredis.UniversalClient, key string, parser app.Parser) *node {
	t.Helper()
	a := app.New(app.Options{Parser: parser, Adapter: redisadapter.New(rdb, redisadapter.Options{
		Key: key, RequestsTimeout: 3 * time.Second, Logf: t.Logf,
	})})
	ns := &testNS{}
	if err := a.Register(ns, "/"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.Shutdown(ctx)
		srv.Close()
	})
	return &node{handlers: ns, app: a, srv: srv, url: srv.URL}
}

// waitNodes waits until n nodes subscribe to the request channel of "/".
func waitNodes(t *testing.T, rdb goredis.UniversalClient, key string, n int) {
	t.Helper()
	ch := rediswire.RequestChannel(key, "/")
	deadline := time.Now().Add(waitTimeout)
	for {
		got, err := rdb.PubSubNumSub(context.Background(), ch).Result()
		if err == nil && int(got[ch]) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d nodes subscribed to %s, want %d (err %v)", got[ch], ch, n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// msg is one JSON line a node script printed.
type msg map[string]any

func (m msg) str(k string) string { s, _ := m[k].(string); return s }
func (m msg) num(k string) int    { f, _ := m[k].(float64); return int(f) }

// proc is a running node script that prints JSON lines and reads commands.
type proc struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{}

	mu      sync.Mutex
	lines   []msg
	output  bytes.Buffer
	changed chan struct{}
}

// startScript runs `node interop/<script>` with env added.
func startScript(t *testing.T, script string, env ...string) *proc {
	t.Helper()
	nodeBin := testenv.Node(t)
	cmd := exec.Command(nodeBin, filepath.Join(testenv.InteropDir(), script))
	cmd.Dir = testenv.InteropDir()
	cmd.Env = append(os.Environ(), env...)
	p := &proc{t: t, cmd: cmd, done: make(chan struct{}), changed: make(chan struct{}, 1)}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = lockedWriter{p}
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go p.read(stdout)
	t.Cleanup(p.stop)
	return p
}

type lockedWriter struct{ p *proc }

func (w lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.output.Write(b)
}

func (p *proc) read(r io.Reader) {
	defer close(p.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var m msg
		err := json.Unmarshal(sc.Bytes(), &m)
		p.mu.Lock()
		p.output.Write(sc.Bytes())
		p.output.WriteByte('\n')
		if err == nil {
			p.lines = append(p.lines, m)
		}
		p.mu.Unlock()
		select {
		case p.changed <- struct{}{}:
		default:
		}
	}
}

// stop closes stdin (the scripts exit then), kills the script if it does
// not exit within 3s, and waits for it.
func (p *proc) stop() {
	p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(3 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
	p.cmd.Wait()
}

// send writes one command line.
func (p *proc) send(v any) {
	p.t.Helper()
	b, _ := json.Marshal(v)
	if _, err := p.stdin.Write(append(b, '\n')); err != nil {
		p.t.Fatalf("writing to %s: %v; output:\n%s", p.cmd.Args[1], err, p.out())
	}
}

// matching returns the lines fn accepts.
func (p *proc) matching(fn func(msg) bool) []msg {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []msg
	for _, m := range p.lines {
		if fn(m) {
			out = append(out, m)
		}
	}
	return out
}

// waitN waits until n lines match fn and returns them.
func (p *proc) waitN(n int, fn func(msg) bool) []msg {
	p.t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		if got := p.matching(fn); len(got) >= n {
			return got
		}
		select {
		case <-p.changed:
		case <-p.done:
			if got := p.matching(fn); len(got) >= n {
				return got
			}
			p.t.Fatalf("%s exited; want %d matching lines; output:\n%s", p.cmd.Args[1], n, p.out())
		case <-deadline.C:
			got := p.matching(fn)
			p.t.Fatalf("%d of %d lines after %v; output:\n%s", len(got), n, waitTimeout, p.out())
		}
	}
}

func (p *proc) out() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.output.String()
}

// clients is the clients.js script: JS clients spread over servers.
type clients struct {
	*proc
	ids []string // socket id of each client
	url []int    // index of the URL each client connected to
}

// startClients connects per clients to each URL and waits for all.
func startClients(t *testing.T, per int, urls ...string) *clients {
	t.Helper()
	return startClientsEnv(t, per, urls)
}

// startClientsEnv is startClients with env added to the script's.
func startClientsEnv(t *testing.T, per int, urls []string, env ...string) *clients {
	t.Helper()
	p := startScript(t, "cluster/clients.js", append([]string{"URLS=" + strings.Join(urls, ","), fmt.Sprintf("PER_URL=%d", per)}, env...)...)
	n := per * len(urls)
	c := &clients{proc: p, ids: make([]string, n), url: make([]int, n)}
	for _, m := range p.waitN(n, isType("connect")) {
		c.ids[m.num("c")] = m.str("id")
		c.url[m.num("c")] = m.num("url")
	}
	return c
}

func isType(t string) func(msg) bool { return func(m msg) bool { return m.str("t") == t } }

// isEvent matches the event named name received by any client.
func isEvent(name string) func(msg) bool {
	return func(m msg) bool { return m.str("t") == "event" && m.str("event") == name }
}

// receivers waits until want clients got event name, then lets 300ms pass
// for any extra delivery, and returns the sorted indexes of the clients
// that got it (a client appears once per delivery).
func (c *clients) receivers(name string, want int) []int {
	c.t.Helper()
	if want > 0 {
		c.waitN(want, isEvent(name))
	}
	time.Sleep(300 * time.Millisecond)
	var got []int
	for _, m := range c.matching(isEvent(name)) {
		got = append(got, m.num("c"))
	}
	slices.Sort(got)
	return got
}

// join makes client i join room through the node it is connected to and
// waits for the acknowledgement.
func (c *clients) join(i int, room string) {
	c.t.Helper()
	seq := fmt.Sprintf("join-%d-%s", i, room)
	c.send(map[string]any{"cmd": "emit", "c": i, "event": "join", "args": []any{room}, "ack": true, "seq": seq})
	c.waitN(1, func(m msg) bool { return m.str("t") == "ack" && m.str("seq") == seq })
}

// args returns the args of the event name as client i received it.
func (c *clients) args(i int, name string) []any {
	c.t.Helper()
	got := c.waitN(1, func(m msg) bool { return isEvent(name)(m) && m.num("c") == i })
	a, _ := got[0]["args"].([]any)
	return a
}
