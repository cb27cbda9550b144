package redisstreams_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/internal/clustertest"
)

// server is one node of the recovery tests, Socketeer or Node.
type server struct {
	name string
	url  string
	// emit broadcasts event with args to rooms (all when empty) except
	// except.
	emit func(t *testing.T, rooms, except []string, event string, args ...any)
}

func socketeerServer(n *node) server {
	return server{name: "Socketeer", url: n.url, emit: func(t *testing.T, rooms, except []string, event string, args ...any) {
		check(t, n.of().To(rooms...).Except(except...).Emit(event, args...))
	}}
}

func nodeServer(p *clustertest.Proc, url string) server {
	return server{name: "Node", url: url, emit: func(t *testing.T, rooms, except []string, event string, args ...any) {
		for i, a := range args {
			if b, ok := a.([]byte); ok {
				args[i] = map[string]any{"$bin": base64.StdEncoding.EncodeToString(b)}
			}
		}
		p.T = t
		p.Command(map[string]any{"cmd": "emit", "rooms": rooms, "except": except, "event": event, "args": args})
	}}
}

// TestRecoveryAcrossNodes connects a real socket.io-client to one node
// through a proxy, cuts its connection, broadcasts from both nodes while
// it is away, and lets it reconnect to the other node: it must get its
// socket back there (same id, rooms, data) and every event it missed, in
// order, exactly once, then the new ones. Both directions.
func TestRecoveryAcrossNodes(t *testing.T) {
	rdb := newClient(t)
	nm := newNames(t, rdb)
	const window = time.Minute
	sk := socketeerServer(startNode(t, rdb, nm, window))
	proc, url := startNodeServer(t, nm, window)
	nd := nodeServer(proc, url)
	waitNodes(t, rdb, nm, 2)
	for _, dir := range [][2]server{{sk, nd}, {nd, sk}} {
		from, to := dir[0], dir[1]
		t.Run(from.name+" to "+to.name, func(t *testing.T) { recoverAcross(t, rdb, nm, from, to) })
	}
}

var offsetRE = regexp.MustCompile(`^[0-9]+-[0-9]+$`)

func recoverAcross(t *testing.T, rdb *goredis.Client, nm names, from, to server) {
	ctx := context.Background()
	px := startProxy(t, from.url)
	c := clustertest.StartClientsEnv(t, 1, []string{px.url()}, "RECONNECT=1")
	first := c.IDs[0]
	seq := "setup-" + from.name
	c.Send(map[string]any{"cmd": "emit", "c": 0, "event": "setup", "args": []any{"r", "alice"}, "ack": true, "seq": seq})
	c.WaitN(1, func(m clustertest.Msg) bool { return m.Str("t") == "ack" && m.Str("seq") == seq })

	// sent emits one broadcast and waits until it is in the stream, so
	// that the stream's order is the order of the calls.
	sent := func(s server, rooms, except []string, event string, args ...any) {
		t.Helper()
		n := rdb.XLen(ctx, nm.stream).Val()
		s.emit(t, rooms, except, event, args...)
		waitUntil(t, "the broadcast in the stream", func() bool { return rdb.XLen(ctx, nm.stream).Val() > n })
	}
	sent(to, nil, nil, "m", 0) // live: the client gets an offset
	c.WaitN(1, clustertest.IsEvent("m"))

	before := rdb.Keys(ctx, nm.sessions+"*").Val() // sessions of earlier runs' clients
	px.cut()
	c.WaitN(1, clustertest.IsType("disconnect"))
	var saved string
	waitUntil(t, "the session saved in Redis", func() bool {
		for _, k := range rdb.Keys(ctx, nm.sessions+"*").Val() {
			if !slices.Contains(before, k) {
				saved = k
			}
		}
		return saved != ""
	})
	start := time.Now()
	sent(from, []string{"r"}, nil, "m", 1)
	sent(to, nil, nil, "m", 2, []byte{7, 7})
	sent(to, nil, []string{"r"}, "x")
	sent(from, []string{"r"}, nil, "m", 3)
	sent(to, []string{"elsewhere"}, nil, "x")
	sent(from, nil, []string{first}, "x")

	px.resume(to.url)
	again := c.WaitN(2, clustertest.IsType("connect"))[1]
	t.Logf("reconnected to %s in %v after the first missed broadcast", to.name, time.Since(start))
	if again.Str("id") != first || again["recovered"] != true {
		t.Fatalf("reconnected as %v, want socket %s recovered", again, first)
	}
	sent(from, []string{"r"}, nil, "m", 4) // reaches the socket's room on its new node
	c.WaitN(5, clustertest.IsEvent("m"))

	seq = "whoami-" + from.name
	c.Send(map[string]any{"cmd": "emit", "c": 0, "event": "whoami", "ack": true, "seq": seq})
	who := c.WaitN(1, func(m clustertest.Msg) bool { return m.Str("t") == "ack" && m.Str("seq") == seq })[0]
	w := who["args"].([]any)[0].(map[string]any)
	rooms := fmt.Sprint(w["rooms"])
	if w["id"] != first || w["recovered"] != true || !reflect.DeepEqual(w["data"], map[string]any{"name": "alice"}) ||
		(rooms != fmt.Sprint([]any{first, "r"}) && rooms != fmt.Sprint([]any{"r", first})) {
		t.Fatalf("%s sees the socket as %v", to.name, w)
	}

	time.Sleep(300 * time.Millisecond) // any duplicate or stray delivery
	var got []string
	for _, m := range c.Matching(func(m clustertest.Msg) bool { return m.Str("t") == "event" }) {
		args := m["args"].([]any)
		off, _ := args[len(args)-1].(string)
		if !offsetRE.MatchString(off) {
			t.Errorf("event %v has no offset", m)
		}
		got = append(got, fmt.Sprint(m.Str("event"), args[:len(args)-1]))
	}
	bin := map[string]any{"$bin": base64.StdEncoding.EncodeToString([]byte{7, 7})}
	want := []string{"m[0]", "m[1]", fmt.Sprint("m", []any{2.0, bin}), "m[3]", "m[4]"}
	if !slices.Equal(got, want) {
		t.Fatalf("the client got %q, want %q", got, want)
	}
	if rdb.Exists(ctx, saved).Val() != 0 {
		t.Errorf("session %s left in Redis after its recovery", saved)
	}
	c.Send(map[string]any{"cmd": "exit"})
}
