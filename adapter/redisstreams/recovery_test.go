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

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/internal/clustertest"
)

// server is one node of the recovery tests, Socketeer or Node.
type server struct {
	name string
	url  string
	// emit broadcasts event with args to rooms (all when empty) except
	// except.
	emit func(t *testing.T, rooms, except []string, event string, args ...any)
	// volatile broadcasts event to all, volatile (Socketeer only).
	volatile func(t *testing.T, event string)
}

func socketeerServer(n *node) server {
	return server{name: "Socketeer", url: n.url, emit: func(t *testing.T, rooms, except []string, event string, args ...any) {
		check(t, n.of().To(rooms...).Except(except...).Emit(event, args...))
	}, volatile: func(t *testing.T, event string) { check(t, n.of().Volatile().Emit(event)) }}
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

// away is a real client that lost its connection to a node.
type away struct {
	c        *clustertest.Clients
	px       *proxy
	rdb      *goredis.Client
	nm       names
	id       string // its socket id
	saved    string // the Redis key of its session
	connects int    // connect lines so far
	cuts     int    // disconnect lines so far
}

// leave connects a client to srv through a proxy, makes it join room "r"
// with data name "alice", gives it an event with an offset (sent by
// live), then cuts its connection and waits for its session in Redis.
func leave(t *testing.T, rdb *goredis.Client, nm names, srv string, live func()) *away {
	t.Helper()
	px := startProxy(t, srv)
	c := clustertest.StartClientsEnv(t, 1, []string{px.url()}, "RECONNECT=1")
	seq := "setup-" + c.IDs[0]
	c.Send(map[string]any{"cmd": "emit", "c": 0, "event": "setup", "args": []any{"r", "alice"}, "ack": true, "seq": seq})
	c.WaitN(1, func(m clustertest.Msg) bool { return m.Str("t") == "ack" && m.Str("seq") == seq })
	live()
	c.WaitN(1, clustertest.IsEvent("m"))
	a := &away{c: c, px: px, rdb: rdb, nm: nm, id: c.IDs[0], connects: 1}
	a.cut(t)
	return a
}

// cut cuts the client's connection and waits for its session in Redis.
func (a *away) cut(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	before := a.rdb.Keys(ctx, a.nm.sessions+"*").Val() // sessions of other clients
	a.px.cut()
	a.cuts++
	a.c.WaitN(a.cuts, clustertest.IsType("disconnect"))
	a.saved = ""
	waitUntil(t, "the session saved in Redis", func() bool {
		for _, k := range a.rdb.Keys(ctx, a.nm.sessions+"*").Val() {
			if !slices.Contains(before, k) {
				a.saved = k
			}
		}
		return a.saved != ""
	})
}

// back lets the client reconnect, to srv, and returns its connect line.
func (a *away) back(srv string) clustertest.Msg {
	a.px.resume(srv)
	a.connects++
	return a.c.WaitN(a.connects, clustertest.IsType("connect"))[a.connects-1]
}

// inStream returns sent: it emits one broadcast and waits until it is in
// the stream, so that the stream's order is the order of the calls.
func inStream(t *testing.T, rdb *goredis.Client, nm names) func(s server, rooms, except []string, event string, args ...any) {
	return func(s server, rooms, except []string, event string, args ...any) {
		t.Helper()
		ctx := context.Background()
		n := rdb.XLen(ctx, nm.stream).Val()
		s.emit(t, rooms, except, event, args...)
		waitUntil(t, "the broadcast in the stream", func() bool { return rdb.XLen(ctx, nm.stream).Val() > n })
	}
}

func recoverAcross(t *testing.T, rdb *goredis.Client, nm names, from, to server) {
	ctx := context.Background()
	sent := inStream(t, rdb, nm)
	a := leave(t, rdb, nm, from.url, func() { sent(to, nil, nil, "m", 0) })
	c, first := a.c, a.id
	start := time.Now()
	sent(from, []string{"r"}, nil, "m", 1, []byte{5}) // binary written by one, restored by the other
	sent(to, nil, nil, "m", 2, []byte{7, 7})
	sent(to, nil, []string{"r"}, "x")
	sent(from, []string{"r"}, nil, "m", 3)
	sent(to, []string{"elsewhere"}, nil, "x")
	sent(from, nil, []string{first}, "x")
	if to.volatile != nil { // Node's restore would include it
		n := rdb.XLen(ctx, nm.stream).Val()
		to.volatile(t, "x")
		waitUntil(t, "the volatile broadcast in the stream", func() bool { return rdb.XLen(ctx, nm.stream).Val() > n })
	}

	again := a.back(to.url)
	t.Logf("reconnected to %s in %v after the first missed broadcast", to.name, time.Since(start))
	if again.Str("id") != first || again["recovered"] != true {
		t.Fatalf("reconnected as %v, want socket %s recovered", again, first)
	}
	sent(from, []string{"r"}, nil, "m", 4) // reaches the socket's room on its new node
	c.WaitN(5, clustertest.IsEvent("m"))

	seq := "whoami-" + from.name
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
	bin := func(b ...byte) map[string]any { return map[string]any{"$bin": base64.StdEncoding.EncodeToString(b)} }
	want := []string{"m[0]", fmt.Sprint("m", []any{1.0, bin(5)}), fmt.Sprint("m", []any{2.0, bin(7, 7)}), "m[3]", "m[4]"}
	if !slices.Equal(got, want) {
		t.Fatalf("the client got %q, want %q", got, want)
	}
	if rdb.Exists(ctx, a.saved).Val() != 0 {
		t.Errorf("session %s left in Redis after its recovery", a.saved)
	}
	c.Send(map[string]any{"cmd": "exit"})
}

// TestRecoveryRefused checks the bounds across two Socketeer nodes: a
// session that missed more than Recovery.MaxPackets, one whose offset left
// the stream (MaxLen), and one whose window passed are not recovered, and
// OnRecoveryExpired runs for each (on the node that refused it, or on the
// node that saved it when the window passed).
func TestRecoveryRefused(t *testing.T) {
	rdb := newClient(t)
	tests := []struct {
		name    string
		rec     app.Recovery
		maxLen  int64
		missed  int           // broadcasts while away
		wait    time.Duration // away for
		expirer int           // the node whose OnRecoveryExpired runs
	}{
		{"more packets than MaxPackets", app.Recovery{Window: time.Minute, MaxPackets: 3}, 0, 5, 0, 1},
		{"offset trimmed from the stream", app.Recovery{Window: time.Minute}, 10, 300, 0, 1},
		{"window passed", app.Recovery{Window: 2 * time.Second}, 0, 1, 2500 * time.Millisecond, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nm := newNames(t, rdb)
			opts := nm.options(t)
			opts.MaxLen = tc.maxLen
			nodes := []*node{startNodeWith(t, rdb, opts, &tc.rec), startNodeWith(t, rdb, opts, &tc.rec)}
			waitNodes(t, rdb, nm, 2)
			sent := inStream(t, rdb, nm)
			a := leave(t, rdb, nm, nodes[0].url, func() { sent(socketeerServer(nodes[0]), nil, nil, "m", 0) })
			for i := range tc.missed {
				check(t, nodes[0].of().To("r").Emit("m", i+1))
			}
			time.Sleep(tc.wait)
			again := a.back(nodes[1].url)
			if again.Str("id") == a.id || again["recovered"] != false {
				t.Fatalf("reconnected as %v, want a new socket", again)
			}
			select {
			case got := <-nodes[tc.expirer].ns.expired:
				if want := a.id + " alice"; got != want {
					t.Fatalf("OnRecoveryExpired(%s), want (%s)", got, want)
				}
			case <-time.After(clustertest.WaitTimeout):
				t.Fatalf("no OnRecoveryExpired on node %d", tc.expirer)
			}
			if n := rdb.Exists(context.Background(), a.saved).Val(); n != 0 {
				t.Errorf("session %s still in Redis", a.saved)
			}
			a.c.Send(map[string]any{"cmd": "exit"})
		})
	}
}

// TestRecoveryDuringBursts lets a client recover on a Socketeer node while
// both nodes keep broadcasting to its room: whatever lands between the
// missed packets and the live ones, it must get every event of each
// node exactly once, in order.
func TestRecoveryDuringBursts(t *testing.T) {
	rdb := newClient(t)
	nm := newNames(t, rdb)
	sk := startNode(t, rdb, nm, time.Minute)
	proc, url := startNodeServer(t, nm, time.Minute)
	waitNodes(t, rdb, nm, 2)
	a := leave(t, rdb, nm, url, func() { inStream(t, rdb, nm)(nodeServer(proc, url), nil, nil, "m", 0) })
	const n = 200
	proc.Send(map[string]any{"cmd": "burst", "rooms": []string{"r"}, "event": "node", "count": n, "interval": 3, "seq": "burst"})
	done := make(chan error, 1)
	go func() {
		for i := range n {
			if err := sk.of().To("r").Emit("go", i); err != nil {
				done <- err
				return
			}
			time.Sleep(3 * time.Millisecond)
		}
		done <- nil
	}()
	time.Sleep(150 * time.Millisecond) // part of each burst is missed
	again := a.back(sk.url)
	if again["recovered"] != true {
		t.Fatalf("reconnected as %v", again)
	}
	check(t, <-done)
	proc.WaitN(1, func(m clustertest.Msg) bool { return m.Str("seq") == "burst" })
	for _, ev := range []string{"node", "go"} {
		got := a.c.WaitN(n, clustertest.IsEvent(ev))
		time.Sleep(300 * time.Millisecond)
		got = a.c.Matching(clustertest.IsEvent(ev))
		for i, m := range got {
			if v := m["args"].([]any)[0]; v != float64(i) || len(got) != n {
				t.Fatalf("%s events: #%d is %v (of %d), want 0..%d once each", ev, i, v, len(got), n-1)
			}
		}
	}
	a.c.Send(map[string]any{"cmd": "exit"})
}

// TestRecoveryBackAndForth moves one client between the nodes three times:
// each hop recovers it, with the event it missed on the way.
func TestRecoveryBackAndForth(t *testing.T) {
	rdb := newClient(t)
	nm := newNames(t, rdb)
	sk := socketeerServer(startNode(t, rdb, nm, time.Minute))
	proc, url := startNodeServer(t, nm, time.Minute)
	nd := nodeServer(proc, url)
	waitNodes(t, rdb, nm, 2)
	sent := inStream(t, rdb, nm)
	a := leave(t, rdb, nm, sk.url, func() { sent(sk, nil, nil, "m", 0) })
	hops := []server{nd, sk, nd}
	for i, to := range hops {
		if i > 0 {
			a.cut(t)
		}
		sent(hops[(i+1)%len(hops)], []string{"r"}, nil, "m", i+1)
		if again := a.back(to.url); again.Str("id") != a.id || again["recovered"] != true {
			t.Fatalf("hop %d to %s: reconnected as %v", i+1, to.name, again)
		}
	}
	time.Sleep(300 * time.Millisecond)
	var got []any
	for _, m := range a.c.Matching(clustertest.IsEvent("m")) {
		got = append(got, m["args"].([]any)[0])
	}
	if want := []any{0.0, 1.0, 2.0, 3.0}; !reflect.DeepEqual(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	a.c.Send(map[string]any{"cmd": "exit"})
}
