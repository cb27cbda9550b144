package namespace

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/memsession"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/protocol"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeConn is an nsrt.Conn on an in-memory session that keeps what it is
// sent (or, made with discard, only counts it). With answer set, it acts
// as a client that acknowledges every event asking for an ack.
type fakeConn struct {
	*memsession.Session
	answer func(event string, args []json.RawMessage) []json.RawMessage

	waits atomic.Int64 // WaitingForClient calls

	mu          sync.Mutex
	sock        *Socket
	disconnects []bool // closeConn of each Disconnect call
}

var connIDs atomic.Int64

func newFakeConn() *fakeConn { return newConn(false) }

// newConn returns a fakeConn that keeps what it is sent, or with discard
// only counts it.
func newConn(discard bool) *fakeConn {
	c := &fakeConn{}
	o := memsession.Options{ID: fmt.Sprintf("eio%d", connIDs.Add(1)), Keep: !discard}
	if !discard {
		o.OnPacket = c.autoAck
	}
	c.Session = memsession.New(o)
	return c
}

// autoAck answers an EVENT that asks for an ack, from another goroutine
// as a real client would.
func (c *fakeConn) autoAck(p *protocol.Packet) {
	if c.answer == nil || p.ID == protocol.NoID || (p.Type != protocol.Event && p.Type != protocol.BinaryEvent) {
		return
	}
	data, err := protocol.InlineAttachments(p.Data, p.Attachments)
	if err != nil {
		return
	}
	name, args, err := protocol.SplitEvent(data)
	if err != nil {
		return
	}
	c.mu.Lock()
	s := c.sock
	c.mu.Unlock()
	go func() {
		if reply := c.answer(name, args); reply != nil {
			core(s).HandleAck(p.ID, reply)
		}
	}()
}

func (c *fakeConn) Frames(e *adapter.Encoded) ([]engine.Packet, error) { return e.Frames(), nil }

// WaitingForClient counts the waits for an ack the connection is told of.
func (c *fakeConn) WaitingForClient() { c.waits.Add(1) }

func (c *fakeConn) Disconnect(s *nsrt.Socket, closeConn bool) {
	c.mu.Lock()
	c.disconnects = append(c.disconnects, closeConn)
	c.mu.Unlock()
	s.Detach()
}

// packets decodes what the connection received so far.
func (c *fakeConn) packets(t testing.TB) []*protocol.Packet {
	t.Helper()
	out, err := c.Packets()
	if err != nil {
		t.Fatalf("conn %s got an invalid packet: %v", c.ID(), err)
	}
	return out
}

// events returns the events the connection received, as `name args...`
// with binary attachments inlined.
func (c *fakeConn) events(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, p := range c.packets(t) {
		if p.Type != protocol.Event && p.Type != protocol.BinaryEvent {
			continue
		}
		data, err := protocol.InlineAttachments(p.Data, p.Attachments)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(data))
	}
	return out
}

// newRuntime returns a runtime of "/" with an in-memory adapter.
func newRuntime(t testing.TB, ackTimeout time.Duration) *Runtime {
	t.Helper()
	rt, err := nsrt.New("/", nsrt.Options{AckTimeout: ackTimeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt
}

// connect connects a new socket over a fake connection and accepts it.
func connect(t testing.TB, rt *Runtime, rooms ...string) (*Socket, *fakeConn) {
	t.Helper()
	return connectConn(rt, newFakeConn(), rooms...)
}

func connectConn(rt *Runtime, c *fakeConn, rooms ...string) (*Socket, *fakeConn) {
	r := httptest.NewRequest("GET", "/socket.io/?EIO=4&transport=websocket&room=x", nil)
	s := (*Socket)(rt.Connect(c, Handshake{Header: r.Header, Query: r.URL.Query(), Address: r.RemoteAddr}))
	c.mu.Lock()
	c.sock = s
	c.mu.Unlock()
	core(s).Accept()
	s.Join(rooms...)
	return s, c
}

func memory(t testing.TB, rt *Runtime) *adapter.Memory {
	t.Helper()
	m, ok := rt.Adapter().(*adapter.Memory)
	if !ok {
		t.Fatalf("adapter is %T, want *adapter.Memory", rt.Adapter())
	}
	return m
}

func TestRooms(t *testing.T) {
	rt := newRuntime(t, time.Second)
	ns := Of(rt)
	a, _ := connect(t, rt)
	b, _ := connect(t, rt, "red")

	a.Join("red", "blue", "red", a.ID())
	if got, want := a.Rooms(), []string{a.ID(), "red", "blue"}; !slices.Equal(got, want) {
		t.Fatalf("Rooms after Join = %q, want %q (own room first, no duplicates)", got, want)
	}
	a.Leave("blue")
	a.Leave("never-joined")
	a.Leave(a.ID()) // the own room cannot be left
	if got, want := a.Rooms(), []string{a.ID(), "red"}; !slices.Equal(got, want) {
		t.Fatalf("Rooms after Leave = %q, want %q", got, want)
	}
	a.Join("green", "blue")
	a.LeaveAll()
	if got, want := a.Rooms(), []string{a.ID()}; !slices.Equal(got, want) {
		t.Fatalf("Rooms after LeaveAll = %q, want %q", got, want)
	}
	if rooms, sockets := memory(t, rt).Size(); rooms != 1 || sockets != 1 {
		t.Fatalf("Size = (%d, %d), want (1, 1): only b in red", rooms, sockets)
	}

	a.Join("red")
	if err := ns.CloseRoom("red"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Socket{a, b} {
		if got := s.Rooms(); !slices.Equal(got, []string{s.ID()}) {
			t.Errorf("Rooms of %s after CloseRoom = %q, want its own room only", s.ID(), got)
		}
	}
	if rooms, sockets := memory(t, rt).Size(); rooms != 0 || sockets != 0 {
		t.Fatalf("Size after CloseRoom = (%d, %d), want (0, 0)", rooms, sockets)
	}

	a.Disconnect(false)
	if got := a.Rooms(); !slices.Equal(got, []string{a.ID()}) {
		t.Errorf("Rooms of a disconnected socket = %q", got)
	}
	a.Join("late") // a disconnected socket cannot join
	if rooms, _ := memory(t, rt).Size(); rooms != 0 {
		t.Errorf("a disconnected socket joined a room")
	}
}

// TestTargeting checks which sockets a broadcast reaches.
func TestTargeting(t *testing.T) {
	rt := newRuntime(t, time.Second)
	ns := Of(rt)
	// a: red, b: red blue, c: blue, d: nothing.
	a, ca := connect(t, rt, "red")
	b, cb := connect(t, rt, "red", "blue")
	c, cc := connect(t, rt, "blue")
	d, cd := connect(t, rt)
	conns := map[string]*fakeConn{"a": ca, "b": cb, "c": cc, "d": cd}

	tests := []struct {
		name string
		emit func() error
		want []string // who gets the event, once each
	}{
		{"socket id", func() error { return ns.To(c.ID()).Emit("e") }, []string{"c"}},
		{"socket ids", func() error { return ns.To(c.ID(), d.ID(), c.ID()).Emit("e") }, []string{"c", "d"}},
		{"one room", func() error { return ns.To("red").Emit("e") }, []string{"a", "b"}},
		{"In", func() error { return ns.In("blue").Emit("e") }, []string{"b", "c"}},
		{"several rooms, b in both", func() error { return ns.To("red", "blue").Emit("e") }, []string{"a", "b", "c"}},
		{"room twice", func() error { return ns.To("red").To("red").Emit("e") }, []string{"a", "b"}},
		{"room and member id", func() error { return ns.To("red", a.ID()).Emit("e") }, []string{"a", "b"}},
		{"unknown room", func() error { return ns.To("nobody").Emit("e") }, nil},
		{"namespace", func() error { return ns.Emit("e") }, []string{"a", "b", "c", "d"}},
		{"namespace Send", func() error { return ns.Send("e") }, []string{"a", "b", "c", "d"}},
		{"except room", func() error { return ns.Except("red").Emit("e") }, []string{"c", "d"}},
		{"except rooms", func() error { return ns.Except("red", "blue").Emit("e") }, []string{"d"}},
		{"except id", func() error { return ns.Except(b.ID()).Emit("e") }, []string{"a", "c", "d"}},
		{"room except room", func() error { return ns.To("red").Except("blue").Emit("e") }, []string{"a"}},
		{"rooms except id", func() error { return ns.To("red", "blue").Except(b.ID()).Emit("e") }, []string{"a", "c"}},
		{"socket.To excludes sender", func() error { return a.To("red").Emit("e") }, []string{"b"}},
		{"socket.To several rooms", func() error { return b.To("red", "blue").Emit("e") }, []string{"a", "c"}},
		{"socket.To except", func() error { return a.To("red", "blue").Except("blue").Emit("e") }, nil},
		{"socket.Broadcast excludes sender", func() error { return a.Broadcast().Emit("e") }, []string{"b", "c", "d"}},
		{"socket.Broadcast To", func() error { return a.Broadcast().To("blue").Emit("e") }, []string{"b", "c"}},
		{"namespace To includes sender", func() error { return a.Namespace().To("red").Emit("e") }, []string{"a", "b"}},
		{"Local", func() error { return ns.Local().To("blue").Emit("e") }, []string{"b", "c"}},
		{"socket.Emit", func() error { return d.Emit("e") }, []string{"d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range conns {
				c.Reset()
			}
			if err := tt.emit(); err != nil {
				t.Fatal(err)
			}
			var got []string
			for name, c := range conns {
				for _, ev := range c.events(t) {
					if ev != `["e"]` && ev != `["message","e"]` {
						t.Errorf("%s got %s", name, ev)
					}
					got = append(got, name)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("recipients = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOwnRoomNamedAfterSocket checks that a room named after a socket id
// still reaches that socket, plus whoever joined the room.
func TestOwnRoomNamedAfterSocket(t *testing.T) {
	rt := newRuntime(t, time.Second)
	a, ca := connect(t, rt)
	_, cb := connect(t, rt, a.ID())
	if err := Of(rt).To(a.ID()).Emit("e"); err != nil {
		t.Fatal(err)
	}
	if na, nb := len(ca.events(t)), len(cb.events(t)); na != 1 || nb != 1 {
		t.Fatalf("got %d and %d events, want 1 and 1", na, nb)
	}
}

// TestRoomCleanup connects and disconnects thousands of sockets, each in
// several rooms, concurrently: nothing may stay behind.
func TestRoomCleanup(t *testing.T) {
	const sockets, workers = 2400, 16
	rt := newRuntime(t, time.Second)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < sockets; i += workers {
				s, _ := connectConn(rt, newConn(true),
					fmt.Sprintf("room%d", i%7), fmt.Sprintf("room%d", i%13), "all", fmt.Sprintf("own%d", i))
				if i%3 == 0 {
					s.Leave("all")
				}
				if err := Of(rt).To(fmt.Sprintf("room%d", i%7)).Emit("hello"); err != nil {
					t.Error(err)
				}
				s.Disconnect(i%2 == 0)
			}
		})
	}
	wg.Wait()
	if rooms, n := memory(t, rt).Size(); rooms != 0 || n != 0 {
		t.Errorf("adapter Size = (%d, %d) after every socket left, want (0, 0)", rooms, n)
	}
	if n := rt.Len(); n != 0 {
		t.Errorf("Runtime.Len = %d after every socket left, want 0", n)
	}
}

// TestConcurrentRooms emits to rooms from many goroutines while sockets
// join, leave and disconnect; run it with -race.
func TestConcurrentRooms(t *testing.T) {
	rt := newRuntime(t, 50*time.Millisecond)
	ns := Of(rt)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	rooms := []string{"r0", "r1", "r2", "r3"}
	var wg sync.WaitGroup
	var sent atomic.Int64
	for i := range 4 {
		wg.Go(func() { // emitters
			for j := 0; ctx.Err() == nil; j++ {
				op := ns.To(rooms[j%len(rooms)])
				if j%5 == 0 {
					op = op.Except(rooms[(j+1)%len(rooms)])
				}
				if err := op.Emit("tick", i, j, []byte{byte(j)}); err != nil {
					t.Error(err)
					return
				}
				if j%50 == 0 {
					op.Timeout(time.Millisecond).EmitWithAck(ctx, "ask")
					ns.FetchSockets(ctx)
				}
				sent.Add(1)
			}
		})
	}
	for i := range 4 {
		wg.Go(func() { // sockets coming and going
			for j := 0; ctx.Err() == nil; j++ {
				s, _ := connectConn(rt, newConn(true), rooms[(i+j)%len(rooms)])
				s.Join(rooms[j%len(rooms)])
				s.Set("j", j)
				s.Broadcast().Emit("hi")
				s.Leave(rooms[(i+j)%len(rooms)])
				if j%3 == 0 {
					ns.To(rooms[i]).SocketsJoin("extra")
					ns.In("extra").SocketsLeave("extra")
				}
				s.Disconnect(j%2 == 0)
			}
		})
	}
	wg.Wait()
	if sent.Load() == 0 {
		t.Fatal("no broadcast ran")
	}
	if rooms, n := memory(t, rt).Size(); rooms != 0 || n != 0 {
		t.Errorf("adapter Size = (%d, %d) after every socket left, want (0, 0)", rooms, n)
	}
	if n := rt.Len(); n != 0 {
		t.Errorf("Runtime.Len = %d, want 0", n)
	}
}
