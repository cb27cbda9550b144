package metrics_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	redisadapter "github.com/socketeer/socketeer/adapter/redis"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/client"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/internal/testenv"
	"github.com/socketeer/socketeer/metrics"
	"github.com/socketeer/socketeer/namespace"
)

// anyNS handles every event with OnAny.
type anyNS struct{ namespace.Namespace }

// OnAny accepts every event.
func (*anyNS) OnAny(*namespace.Socket, string, []json.RawMessage) {}

// newApp returns an app with metrics m and anyNS at "/", shut down when
// the test ends.
func newApp(t *testing.T, o app.Options) (*app.App, *metrics.Metrics) {
	t.Helper()
	m, err := metrics.New(prometheus.NewRegistry(), metrics.Options{MaxEventNames: 2})
	if err != nil {
		t.Fatal(err)
	}
	o.Metrics = m
	a := app.New(o)
	if err := a.Register(&anyNS{}, "/"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.Shutdown(ctx)
	})
	return a, m
}

// scrape returns what m's handler serves.
func scrape(m *metrics.Metrics) string {
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

// waitFor polls m's scrape until it has every line of want.
func waitFor(t *testing.T, m *metrics.Metrics, want ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		body, missing := scrape(m), ""
		for _, w := range want {
			if !strings.Contains(body, w+"\n") {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks %s:\n%s", missing, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEventNameCap: past MaxEventNames names in a namespace, events share
// the label OtherEvent, so that made-up names cannot grow the series.
func TestEventNameCap(t *testing.T) {
	a, m := newApp(t, app.Options{})
	c := apptest.Connect(t, a, "/", nil)
	for _, e := range []string{"first", "second", "third", "fourth", "first", "third"} {
		if err := c.Emit(e); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, m,
		`socketeer_events_received_total{event="first",namespace="/"} 2`,
		`socketeer_events_received_total{event="second",namespace="/"} 1`,
		`socketeer_events_received_total{event="`+metrics.OtherEvent+`",namespace="/"} 3`,
		`socketeer_handler_duration_seconds_count{event="`+metrics.OtherEvent+`",namespace="/"} 3`,
	)
	if body := scrape(m); strings.Contains(body, `event="third"`) || strings.Contains(body, `event="fourth"`) {
		t.Errorf("names past the cap got series of their own:\n%s", body)
	}
}

// cuttable dials Redis and can cut every connection it made, then refuse
// new ones: Redis gone, as far as the client can tell.
type cuttable struct {
	mu    sync.Mutex
	cut   bool
	conns []net.Conn
}

var errCut = errors.New("test: Redis cut off")

func (d *cuttable) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cut {
		return nil, errCut
	}
	var nd net.Dialer
	conn, err := nd.DialContext(ctx, network, addr)
	if err == nil {
		d.conns = append(d.conns, conn)
	}
	return conn, err
}

// cutOff closes every connection and refuses the next ones.
func (d *cuttable) cutOff() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cut = true
	for _, c := range d.conns {
		c.Close()
	}
}

// TestAdapterPublishError cuts the Redis adapter off the real Redis: a
// broadcast it cannot publish counts as adapter_errors_total{kind="publish"}.
func TestAdapterPublishError(t *testing.T) {
	d := &cuttable{}
	rdb := goredis.NewClient(&goredis.Options{Addr: testenv.RedisAddr(t), Dialer: d.dial, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	a, m := newApp(t, app.Options{Adapter: redisadapter.New(rdb, redisadapter.Options{
		Key: "socketeer-metrics-" + rediswire.NewID(8), RequestsTimeout: time.Second, Logf: t.Logf})})
	d.cutOff()
	if err := a.Of("/").Emit("lost"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, m, `socketeer_adapter_errors_total{kind="publish",namespace="/"} 1`)
}

// TestAdapterRequestTimeout counts a request to a node that never
// answers: a subscriber of the request channel that is not a Socketeer
// node, which the adapter counts and waits for.
func TestAdapterRequestTimeout(t *testing.T) {
	addr := testenv.RedisAddr(t)
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	key := "socketeer-metrics-" + rediswire.NewID(8)
	a, m := newApp(t, app.Options{Adapter: redisadapter.New(rdb, redisadapter.Options{
		Key: key, RequestsTimeout: 200 * time.Millisecond, Logf: t.Logf})})

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	mute := rdb.Subscribe(ctx, rediswire.RequestChannel(key, "/"))
	defer mute.Close()
	if _, err := mute.Receive(ctx); err != nil { // the subscription's confirmation
		t.Fatal(err)
	}
	_, err := a.Of("/").FetchSockets(ctx)
	if !errors.Is(err, redisadapter.ErrTimeout) {
		t.Fatalf("FetchSockets with a mute node: %v, want ErrTimeout", err)
	}
	waitFor(t, m, `socketeer_adapter_errors_total{kind="timeout",namespace="/"} 1`)
}

// TestRecoveryCounted drops a Go client's connection under it: it comes
// back with its pid and offset, its session is recovered, and the attempt
// is counted with its result.
func TestRecoveryCounted(t *testing.T) {
	a, m := newApp(t, app.Options{Recovery: &app.Recovery{Window: 10 * time.Second}})
	var mu sync.Mutex
	var conns []net.Conn
	hs := httptest.NewUnstartedServer(a)
	hs.Config.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateNew {
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}
	hs.Start()
	defer hs.Close()
	mgr, err := client.NewManager(hs.URL, client.Options{Transports: []client.Transport{client.WebSocket},
		ReconnectDelay: 50 * time.Millisecond, ReconnectDelayMax: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer mgr.Close()
	s := mgr.Socket("/", client.SocketOptions{})
	got := make(chan struct{}, 2)
	connects := make(chan struct{}, 2)
	s.On("hello", func() { got <- struct{}{} })
	s.OnConnect(func() { connects <- struct{}{} })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	<-connects
	a.Of("/").Emit("hello") // an offset for the client to come back with
	<-got
	// The connection drops: both ends see it end, as after a network
	// failure (a shutdown, not a Close of the server's descriptor behind
	// the engine's back, which epoll does not report to the poller that
	// reads idle websockets).
	mu.Lock()
	for _, c := range conns {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.CloseRead()
			tc.CloseWrite()
		}
	}
	mu.Unlock()
	waitFor(t, m, `socketeer_recovery_attempts_total{namespace="/",result="recovered"} 1`)
	select {
	case <-connects:
	case <-ctx.Done():
		t.Fatal("the client did not reconnect")
	}
	if !s.Recovered() {
		t.Error("the client was not recovered")
	}
}
