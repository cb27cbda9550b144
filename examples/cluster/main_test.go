package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/internal/testenv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startNodes starts n chat nodes on one Redis with a channel prefix of the
// test's own.
func startNodes(t *testing.T, n int) []*httptest.Server {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t)})
	t.Cleanup(func() { rdb.Close() })
	key := "socketeer-cluster-test-" + rediswire.NewID(8)
	var srvs []*httptest.Server
	for i := range n {
		a, err := newApp(rdb, key, "node"+string(rune('A'+i)))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(a)
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
	c.send("40")
	c.expect("40{")
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

// TestBroadcastCrossesNodes sends a chat message on node A and receives it
// on a client of node B.
func TestBroadcastCrossesNodes(t *testing.T) {
	srvs := startNodes(t, 2)
	a, b := dial(t, srvs[0]), dial(t, srvs[1])
	a.send(`42["message","hello from A"]`)
	for _, c := range []*wsClient{a, b} {
		got := c.expect(`42["message"`)
		var ev []json.RawMessage
		if err := json.Unmarshal([]byte(got[2:]), &ev); err != nil {
			t.Fatal(err)
		}
		var m message
		if err := json.Unmarshal(ev[1], &m); err != nil {
			t.Fatal(err)
		}
		if m.Text != "hello from A" || m.Node != "nodeA" {
			t.Fatalf("got %+v", m)
		}
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
