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
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t)})
	t.Cleanup(func() { rdb.Close() })
	f, recovers, err := newAdapter(os.Getenv("REDIS_ADAPTER"), rdb, "socketeer-cluster-test-"+rediswire.NewID(8))
	if err != nil {
		t.Fatal(err)
	}
	var srvs []*httptest.Server
	for i := range n {
		name := "node" + string(rune('A'+i))
		a, err := newApp(f, recovers, name)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(routes(a, name))
		t.Cleanup(func() {
			// A polling session that is never polled again (TestStickyCookie)
			// holds Shutdown until this deadline.
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			a.Shutdown(ctx)
			srv.Close()
		})
		srvs = append(srvs, srv)
	}
	return srvs
}

// wsClient is a minimal Socket.IO client over a websocket, enough to join
// "/" and exchange events.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	id   string // the socket id
}

func dial(t *testing.T, srv *httptest.Server) *wsClient {
	t.Helper()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/socket.io/?EIO=4&transport=websocket"
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &wsClient{t: t, conn: conn}
	c.expect("0{")
	c.send(`40{"nickname":"` + t.Name() + `"}`)
	var ok struct{ SID string }
	if err := json.Unmarshal([]byte(c.expect("40{")[2:]), &ok); err != nil {
		t.Fatal(err)
	}
	c.id = ok.SID
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
