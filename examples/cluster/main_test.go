package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/examples/internal/chat"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/internal/testenv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startNodes starts n chat nodes in this process on one Redis, with a
// channel prefix of the test's own and the adapter REDIS_ADAPTER names.
func startNodes(t *testing.T, n int) []*httptest.Server {
	t.Helper()
	srvs, _ := startNodesOf(t, os.Getenv("REDIS_ADAPTER"), n)
	return srvs
}

// startNodesOf starts n chat nodes as startNodes does on the adapter kind
// and returns them with a function that shuts each down (its app, as on
// SIGTERM, then its server), once: the test may call it, the cleanup does.
func startNodesOf(t *testing.T, kind string, n int) ([]*httptest.Server, []func()) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t)})
	t.Cleanup(func() { rdb.Close() })
	key := "socketeer-cluster-test-" + rediswire.NewID(8)
	t.Cleanup(func() { rdb.Del(context.Background(), key) }) // the streams adapter's stream
	f, recovers, err := newAdapter(kind, rdb, key)
	if err != nil {
		t.Fatal(err)
	}
	var srvs []*httptest.Server
	var stops []func()
	for i := range n {
		name := "node" + string(rune('A'+i))
		a, err := newApp(f, recovers, name)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(routes(a, name))
		stop := sync.OnceFunc(func() {
			// A polling session that is never polled again (TestStickyCookie)
			// holds Shutdown until this deadline.
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			a.Shutdown(ctx)
			srv.Close()
		})
		t.Cleanup(stop)
		srvs, stops = append(srvs, srv), append(stops, stop)
	}
	return srvs, stops
}

// wsClient is a minimal Socket.IO client over a websocket, enough to join
// "/" and exchange events.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	id   string // the socket id
	pid  string // its private id, with recovery on
}

func dial(t *testing.T, srv *httptest.Server) *wsClient {
	t.Helper()
	return dialAuth(t, srv, `{"nickname":"`+t.Name()+`"}`)
}

// dialAuth is dial with the CONNECT's auth payload.
func dialAuth(t *testing.T, srv *httptest.Server, auth string) *wsClient {
	t.Helper()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/socket.io/?EIO=4&transport=websocket"
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &wsClient{t: t, conn: conn}
	c.expect("0{")
	c.send(`40` + auth)
	var ok struct{ SID, PID string }
	if err := json.Unmarshal([]byte(c.expect("40{")[2:]), &ok); err != nil {
		t.Fatal(err)
	}
	c.id, c.pid = ok.SID, ok.PID
	return c
}

func (c *wsClient) send(s string) {
	c.t.Helper()
	if err := c.conn.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// expect reads messages, answering pings, until one starts with prefix.
func (c *wsClient) expect(prefix string) string {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, b, err := c.conn.ReadMessage()
		if err != nil {
			c.t.Fatalf("waiting for %q: %v", prefix, err)
		}
		switch s := string(b); {
		case s == "2":
			c.send("3")
		case strings.HasPrefix(s, prefix):
			return s
		}
	}
}

// offset returns the offset that the event packet s carries last, as
// recovery adds it.
func offset(t *testing.T, s string) string {
	t.Helper()
	var ev []any
	if err := json.Unmarshal([]byte(s[2:]), &ev); err != nil || len(ev) != 3 {
		t.Fatalf("event %s has no offset: %v", s, err)
	}
	off, ok := ev[2].(string)
	if !ok {
		t.Fatalf("event %s: offset %v is not a string", s, ev[2])
	}
	return off
}

// event returns the payload of the event packet s (42["name",payload],
// with an offset after it when the adapter recovers sockets).
func event(t *testing.T, s string, v any) {
	t.Helper()
	var ev []json.RawMessage
	if err := json.Unmarshal([]byte(s[2:]), &ev); err != nil || len(ev) < 2 || len(ev) > 3 {
		t.Fatalf("event %s: %v", s, err)
	}
	if err := json.Unmarshal(ev[1], v); err != nil {
		t.Fatal(err)
	}
}

// TestBroadcastCrossesNodes joins a client of node A and one of node B to
// a room: a message sent on A reaches B's member; a private message from B
// reaches A's client, which B's node finds on A.
func TestBroadcastCrossesNodes(t *testing.T) {
	srvs := startNodes(t, 2)
	a, b := dial(t, srvs[0]), dial(t, srvs[1])
	var w chat.Welcome
	event(t, b.expect(`42["welcome"`), &w)
	if w.Node != "nodeB" || w.ID != b.id {
		t.Fatalf("welcome %+v", w)
	}
	for i, c := range []*wsClient{a, b} {
		c.send(fmt.Sprintf(`42%d["join",{"room":"r"}]`, i))
		c.expect(fmt.Sprintf(`43%d[{"room":"r"}]`, i))
	}
	a.send(`425["send_message",{"room":"r","text":"hello from A"}]`)
	var m chat.Posted
	event(t, b.expect(`42["room_message"`), &m)
	if m.Text != "hello from A" || m.Room != "r" || m.From.ID != a.id {
		t.Fatalf("B got %+v", m)
	}
	a.expect(`435[{"time"`)

	b.send(`426["private_message",{"to":"` + a.id + `","text":"psst"}]`)
	event(t, a.expect(`42["private_message"`), &m)
	if m.Text != "psst" || m.From.ID != b.id {
		t.Fatalf("A got %+v", m)
	}
	b.expect(`436[{"time"`)
}

// TestShutdownSavesSessions checks what a rolling restart needs with the
// streams adapter: a node that shuts down (App.Shutdown, as on SIGTERM)
// disconnects its sockets with "server shutting down", which saves their
// sessions in Redis, so a client of that node recovers on another one:
// same socket id, rooms, name, and the room messages sent meanwhile.
func TestShutdownSavesSessions(t *testing.T) {
	srvs, stops := startNodesOf(t, "streams", 2)
	a, b := dial(t, srvs[0]), dial(t, srvs[1])
	if a.pid == "" {
		t.Fatal("node A sent no pid: recovery is off")
	}
	a.send(`421["join",{"room":"r"}]`)
	a.expect(`431[{"room":"r"}]`)
	b.send(`422["join",{"room":"r"}]`)
	b.expect(`432[{"room":"r"}]`)
	b.send(`423["send_message",{"room":"r","text":"before"}]`)
	last := offset(t, a.expect(`42["room_message"`))
	b.expect(`433[{"time"`)

	stops[0]()    // node A shuts down
	a.expect("1") // the Engine.IO close packet
	for i := range 3 {
		b.send(fmt.Sprintf(`42%d["send_message",{"room":"r","text":"away %d"}]`, 4+i, i))
		b.expect(fmt.Sprintf(`43%d[{"time"`, 4+i))
	}

	back := dialAuth(t, srvs[1], fmt.Sprintf(`{"nickname":"someone else","pid":%q,"offset":%q}`, a.pid, last))
	if back.id != a.id || back.pid != a.pid {
		t.Fatalf("on node B the client got socket %s (pid %s), want its socket %s (pid %s) back", back.id, back.pid, a.id, a.pid)
	}
	for i := range 3 {
		var m chat.Posted
		event(t, back.expect(`42["room_message"`), &m)
		if want := fmt.Sprintf("away %d", i); m.Text != want || m.Room != "r" {
			t.Fatalf("missed message %d: %+v, want %q in r", i, m, want)
		}
	}
	var w chat.Welcome
	event(t, back.expect(`42["welcome"`), &w)
	if !w.Recovered || w.ID != a.id || w.Node != "nodeB" || w.Nickname != "TestShutdownSavesSessions" {
		t.Fatalf("welcome %+v, want the recovered socket %s with its name on nodeB", w, a.id)
	}
	b.send(`427["send_message",{"room":"r","text":"after"}]`)
	var m chat.Posted
	event(t, back.expect(`42["room_message"`), &m)
	if m.Text != "after" {
		t.Fatalf("after the recovery: %+v, want the room's next message", m)
	}
}

// TestStickyCookie checks the "io" cookie of the polling handshake, and
// the error a request gets on a node that does not hold its session.
func TestStickyCookie(t *testing.T) {
	srvs := startNodes(t, 2)
	resp, err := http.Get(srvs[0].URL + "/socket.io/?EIO=4&transport=polling")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var open struct{ SID string }
	if err := json.Unmarshal(body[1:], &open); err != nil {
		t.Fatalf("handshake %q: %v", body, err)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "io" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != open.SID || cookie.Path != "/" || !cookie.HttpOnly {
		t.Fatalf("cookie %v, want io=%s; Path=/; HttpOnly", cookie, open.SID)
	}

	resp, err = http.Get(srvs[1].URL + "/socket.io/?EIO=4&transport=polling&sid=" + open.SID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || string(body) != `{"code":1,"message":"Session ID unknown"}` {
		t.Fatalf("wrong node answered %d %s", resp.StatusCode, body)
	}
}

// TestNewAdapter checks the REDIS_ADAPTER names: the factory is made
// without reaching Redis, and an unknown name is refused.
func TestNewAdapter(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	tests := []struct {
		kind     string
		ok       bool
		recovers bool
	}{
		{"", true, false},
		{"pubsub", true, false},
		{"streams", true, true},
		{"bogus", false, false},
	}
	for _, tt := range tests {
		f, recovers, err := newAdapter(tt.kind, rdb, "k")
		if (err == nil) != tt.ok || (f != nil) != tt.ok || recovers != tt.recovers {
			t.Errorf("newAdapter(%q) = factory %v, recovers %v, error %v", tt.kind, f != nil, recovers, err)
		}
	}
}
