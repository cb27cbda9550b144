package namespace

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestSessionConcurrent(t *testing.T) {
	rt := newRuntime(t, time.Second)
	s, _ := connect(t, rt)
	const workers, ops = 16, 400
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			own := fmt.Sprintf("worker%d", w)
			for i := range ops {
				s.Set(own, i)
				s.Set("shared", w)
				if v, ok := Value[int](s, own); !ok || v != i {
					t.Errorf("%s = %v, %v; want %d", own, v, ok, i)
					return
				}
				if _, ok := s.Get("shared"); !ok {
					t.Error("shared key missing")
					return
				}
				s.Set("tmp"+own, "x")
				s.Delete("tmp" + own)
				if i%50 == 0 {
					core(s).Info() // FetchSockets copies the session
				}
			}
		})
	}
	wg.Wait()
	for w := range workers {
		if v, _ := Value[int](s, fmt.Sprintf("worker%d", w)); v != ops-1 {
			t.Errorf("worker%d = %d, want %d", w, v, ops-1)
		}
		if _, ok := s.Get(fmt.Sprintf("tmpworker%d", w)); ok {
			t.Errorf("deleted key tmpworker%d still there", w)
		}
	}
	if v, ok := Value[int](s, "shared"); !ok || v < 0 || v >= workers {
		t.Errorf("shared = %d, %v", v, ok)
	}
}

func TestValue(t *testing.T) {
	rt := newRuntime(t, time.Second)
	s, _ := connect(t, rt)
	type user struct{ Name string }
	s.Set("user", &user{"ann"})
	s.Set("n", 3)
	s.Set("nil", nil)
	if u, ok := Value[*user](s, "user"); !ok || u.Name != "ann" {
		t.Errorf("Value[*user] = %v, %v", u, ok)
	}
	if v, ok := Value[string](s, "n"); ok || v != "" {
		t.Errorf("Value[string] of an int = %q, %v; want zero, false", v, ok)
	}
	if v, ok := Value[int](s, "missing"); ok || v != 0 {
		t.Errorf("Value of a missing key = %v, %v", v, ok)
	}
	if v, ok := s.Get("nil"); !ok || v != nil {
		t.Errorf("Get of a nil value = %v, %v; want nil, true", v, ok)
	}
	if _, ok := Value[any](s, "nil"); ok {
		t.Error("Value[any] of a nil value reports ok")
	}
}

func TestHandshake(t *testing.T) {
	r := httptest.NewRequest("GET", "/socket.io/?EIO=4&transport=polling&token=abc&tag=a&tag=b", nil)
	r.Header.Set("X-Client", "test")
	r.RemoteAddr = "192.0.2.7:4242"
	before := time.Now()
	hs := Handshake{Header: r.Header, Query: r.URL.Query(), Auth: json.RawMessage(`{"token":"t1"}`),
		Address: r.RemoteAddr, URL: r.URL.String(), Time: before}

	rt := newRuntime(t, time.Second)
	s := (*Socket)(rt.Connect(newFakeConn(), hs))
	defer core(s).Detach()
	if got := s.Handshake(); got.Address != hs.Address || !slices.Equal(got.Query["tag"], []string{"a", "b"}) {
		t.Errorf("Socket.Handshake = %+v", got)
	}
	info := core(s).Info().Handshake
	if info.Query.Get("token") != "abc" || !slices.Equal(info.Query["tag"], []string{"a", "b"}) ||
		info.Address != hs.Address || string(info.Auth) != `{"token":"t1"}` || info.Header.Get("X-Client") != "test" {
		t.Errorf("adapter handshake = %+v", info)
	}
}

// TestServerWide covers FetchSockets, SocketsJoin, SocketsLeave and
// DisconnectSockets.
func TestServerWide(t *testing.T) {
	rt := newRuntime(t, time.Second)
	ns := Of(rt)
	ctx := context.Background()
	a, ca := connect(t, rt, "red")
	b, cb := connect(t, rt, "red", "blue")
	c, cc := connect(t, rt, "blue")
	a.Set("name", "ann")

	all, err := ns.FetchSockets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("FetchSockets = %d sockets, want 3", len(all))
	}
	red, err := ns.To("red").FetchSockets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, info := range red {
		got[info.ID] = info.Rooms
		if info.ID == a.ID() && info.Data["name"] != "ann" {
			t.Errorf("data of a = %v", info.Data)
		}
	}
	if len(got) != 2 || !slices.Equal(got[a.ID()], []string{a.ID(), "red"}) ||
		!slices.Equal(got[b.ID()], []string{b.ID(), "red", "blue"}) {
		t.Errorf("FetchSockets of red = %v", got)
	}

	if err := ns.To("blue").SocketsJoin("green", "red"); err != nil {
		t.Fatal(err)
	}
	if got := c.Rooms(); !slices.Equal(got, []string{c.ID(), "blue", "green", "red"}) {
		t.Errorf("c rooms after SocketsJoin = %q", got)
	}
	if err := ns.Except("blue").SocketsLeave("red"); err != nil {
		t.Fatal(err)
	}
	if got := a.Rooms(); !slices.Equal(got, []string{a.ID()}) {
		t.Errorf("a rooms after SocketsLeave = %q", got)
	}
	if got := b.Rooms(); !slices.Equal(got, []string{b.ID(), "red", "blue", "green"}) {
		t.Errorf("b rooms after SocketsJoin and SocketsLeave = %q", got)
	}
	if err := ns.SocketsJoin("everyone"); err != nil {
		t.Fatal(err)
	}
	if n, _ := ns.In("everyone").FetchSockets(ctx); len(n) != 3 {
		t.Errorf("%d sockets in everyone, want 3", len(n))
	}

	if err := ns.To("green").Except(c.ID()).DisconnectSockets(false); err != nil {
		t.Fatal(err)
	}
	if b.Connected() || !c.Connected() || !a.Connected() || !slices.Equal(cb.disconnects, []bool{false}) {
		t.Errorf("after DisconnectSockets(false) of green but c: b %v, c %v, a %v, %v",
			b.Connected(), c.Connected(), a.Connected(), cb.disconnects)
	}
	if err := ns.In(c.ID()).DisconnectSockets(true); err != nil {
		t.Fatal(err)
	}
	if c.Connected() || !slices.Equal(cc.disconnects, []bool{true}) {
		t.Errorf("DisconnectSockets(true): c connected %v, %v", c.Connected(), cc.disconnects)
	}
	a.Disconnect(true)
	if !slices.Equal(ca.disconnects, []bool{true}) {
		t.Errorf("Disconnect(true) reached the connection as %v", ca.disconnects)
	}
	if n := ns.Len(); n != 0 {
		t.Errorf("Len = %d, want 0", n)
	}
	if rooms, n := memory(t, rt).Size(); rooms != 0 || n != 0 {
		t.Errorf("Size = (%d, %d), want (0, 0)", rooms, n)
	}
	if s := ns.Socket(a.ID()); s != nil {
		t.Error("Socket finds a disconnected socket")
	}
}
