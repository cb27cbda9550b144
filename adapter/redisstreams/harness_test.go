package redisstreams_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter/redisstreams"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/internal/clustertest"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/internal/testenv"
	"github.com/socketeer/socketeer/namespace"
)

// names are the stream, channel prefix and session key prefix of one
// test's cluster, its own so that tests sharing a Redis do not meet.
type names struct{ stream, key, sessions string }

func newNames(t *testing.T, rdb *goredis.Client) names {
	id := "socketeer-test-" + rediswire.NewID(8)
	n := names{stream: id, key: id, sessions: id + ":session:"}
	t.Cleanup(func() { rdb.Del(context.Background(), n.stream) })
	return n
}

func (n names) options(t *testing.T) redisstreams.Options {
	return redisstreams.Options{StreamName: n.stream, ChannelPrefix: n.key, SessionKeyPrefix: n.sessions,
		RequestsTimeout: 3 * time.Second, BlockTime: time.Second, Logf: t.Logf}
}

func newClient(t *testing.T) *goredis.Client {
	t.Helper()
	rdb := goredis.NewClient(&goredis.Options{Addr: testenv.RedisAddr(t)})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// testNS is namespace "/" of the Socketeer nodes.
type testNS struct {
	namespace.Namespace
	serverSide chan string
	expired    chan string // "id name" of each OnRecoveryExpired
}

func (n *testNS) OnRecoveryExpired(id string, data map[string]any) {
	n.expired <- fmt.Sprint(id, " ", data["name"])
}

func (n *testNS) OnServerSideEmit(event string, args []json.RawMessage) {
	n.serverSide <- fmt.Sprintf("%s%s", event, args)
}

func (n *testNS) OnJoin(s *namespace.Socket, room string) string {
	s.Join(room)
	return "ok"
}

// OnSetup joins room and stores name in the socket's data.
func (n *testNS) OnSetup(s *namespace.Socket, room, name string) string {
	s.Join(room)
	s.Set("name", name)
	return "ok"
}

type whoami struct {
	ID        string         `json:"id"`
	Rooms     []string       `json:"rooms"`
	Data      map[string]any `json:"data"`
	Recovered bool           `json:"recovered"`
}

func (n *testNS) OnWhoami(s *namespace.Socket) whoami {
	name, _ := s.Get("name")
	return whoami{ID: s.ID(), Rooms: s.Rooms(), Data: map[string]any{"name": name}, Recovered: s.Recovered()}
}

// node is one Socketeer server with the streams adapter.
type node struct {
	ns  *testNS
	app *app.App
	url string
}

func (n *node) of() *namespace.Namespace { return n.app.Of("/") }

// startNode starts a Socketeer node; window > 0 turns recovery on.
func startNode(t *testing.T, rdb *goredis.Client, n names, window time.Duration) *node {
	t.Helper()
	var rec *app.Recovery
	if window > 0 {
		rec = &app.Recovery{Window: window}
	}
	return startNodeWith(t, rdb, n.options(t), rec)
}

// startNodeWith starts a Socketeer node with opts and recovery rec.
func startNodeWith(t *testing.T, rdb *goredis.Client, opts redisstreams.Options, rec *app.Recovery) *node {
	t.Helper()
	a := app.New(app.Options{Adapter: redisstreams.New(rdb, opts), Logf: t.Logf, Recovery: rec})
	ns := &testNS{serverSide: make(chan string, 16), expired: make(chan string, 16)}
	if err := a.Register(ns, "/"); err != nil {
		t.Fatal(err)
	}
	return &node{ns: ns, app: a, url: clustertest.Serve(t, a).URL}
}

// startNodeServer starts interop/cluster/node-server.js with Node's
// streams adapter; window > 0 turns recovery on.
func startNodeServer(t *testing.T, n names, window time.Duration) (*clustertest.Proc, string) {
	t.Helper()
	env := []string{"REDIS_URL=redis://" + testenv.RedisAddr(t), "ADAPTER=streams", "STREAM=" + n.stream,
		"KEY=" + n.key, "SESSION_PREFIX=" + n.sessions}
	if window > 0 {
		env = append(env, fmt.Sprintf("RECOVERY=%d", window.Milliseconds()))
	}
	p := clustertest.StartScript(t, "cluster/node-server.js", env...)
	m := p.WaitN(1, clustertest.IsType("listening"))
	return p, fmt.Sprintf("http://127.0.0.1:%d", m[0].Num("port"))
}

// waitNodes waits until n processes subscribe to the channel of "/".
func waitNodes(t *testing.T, rdb *goredis.Client, nm names, n int) {
	t.Helper()
	ch := nm.key + "#/#"
	waitUntil(t, fmt.Sprintf("%d nodes on %s", n, ch), func() bool {
		got, err := rdb.PubSubNumSub(context.Background(), ch).Result()
		return err == nil && int(got[ch]) == n
	})
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(clustertest.WaitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", clustertest.WaitTimeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// proxy is a TCP proxy in front of one server at a time, like a load
// balancer: cut drops every connection and holds new ones until resume
// sends them to another server.
type proxy struct {
	l       net.Listener
	backend atomic.Value // string: host:port
	wg      sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]bool
	held  chan struct{} // closed when not holding
}

func startProxy(t *testing.T, backendURL string) *proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l, conns: map[net.Conn]bool{}, held: make(chan struct{})}
	close(p.held)
	p.backend.Store(backendURL[len("http://"):])
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() {
		l.Close()
		p.resume(backendURL)
		p.closeAll()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) url() string { return "http://" + p.l.Addr().String() }

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

func (p *proxy) track(c net.Conn) {
	p.mu.Lock()
	p.conns[c] = true
	p.mu.Unlock()
}

func (p *proxy) serve(c net.Conn) {
	defer p.wg.Done()
	p.track(c)
	p.mu.Lock()
	held := p.held
	p.mu.Unlock()
	<-held
	b, err := net.Dial("tcp", p.backend.Load().(string))
	if err != nil {
		c.Close()
		return
	}
	p.track(b)
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		dst.Close()
		src.Close()
		done <- struct{}{}
	}
	go pipe(b, c)
	go pipe(c, b)
	<-done
	<-done
}

// cut closes every connection and holds new ones.
func (p *proxy) cut() {
	p.mu.Lock()
	p.held = make(chan struct{})
	p.mu.Unlock()
	p.closeAll()
}

func (p *proxy) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// resume sends the held and new connections to backendURL.
func (p *proxy) resume(backendURL string) {
	p.backend.Store(backendURL[len("http://"):])
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.held:
	default:
		close(p.held)
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
