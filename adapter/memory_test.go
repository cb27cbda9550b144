package adapter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/protocol"
)

// fakeLocal is a namespace of fakeSockets.
type fakeLocal struct {
	mu      sync.Mutex
	sockets map[string]*fakeSocket
}

func (l *fakeLocal) Name() string { return "/" }

func (l *fakeLocal) Socket(id string) Socket {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.sockets[id]; ok {
		return s
	}
	return nil
}

func (l *fakeLocal) Each(fn func(Socket)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.sockets {
		fn(s)
	}
}

func (l *fakeLocal) Logf(string, ...any) {}

func (l *fakeLocal) ServerSideEvent(string, []json.RawMessage) {}

// fakeSocket records what it is given.
type fakeSocket struct {
	id           string
	mu           sync.Mutex
	got          []*Encoded
	volatile     []bool
	acks         map[int64]func([]json.RawMessage)
	disconnected []bool
}

func (s *fakeSocket) ID() string { return s.id }

func (s *fakeSocket) Deliver(e *Encoded, volatile bool) {
	s.mu.Lock()
	s.got = append(s.got, e)
	s.volatile = append(s.volatile, volatile)
	s.mu.Unlock()
}

func (s *fakeSocket) ExpectAck(id int64, fn func([]json.RawMessage)) {
	s.mu.Lock()
	if s.acks == nil {
		s.acks = map[int64]func([]json.RawMessage){}
	}
	s.acks[id] = fn
	s.mu.Unlock()
}

func (s *fakeSocket) Disconnect(closeConn bool) {
	s.mu.Lock()
	s.disconnected = append(s.disconnected, closeConn)
	s.mu.Unlock()
}

func (s *fakeSocket) Info() SocketInfo { return SocketInfo{ID: s.id} }

func newFake(ids ...string) (*Memory, *fakeLocal) {
	l := &fakeLocal{sockets: map[string]*fakeSocket{}}
	for _, id := range ids {
		l.sockets[id] = &fakeSocket{id: id}
	}
	return NewMemory(l), l
}

// selected returns the ids o selects, sorted, duplicates kept.
func selected(m *Memory, o Options) []string {
	var ids []string
	m.Select(o, func(s Socket) { ids = append(ids, s.ID()) })
	slices.Sort(ids)
	return ids
}

func TestMemoryRooms(t *testing.T) {
	m, _ := newFake("a", "b")
	m.Join("a", "r1", "r2", "r1", "a")
	m.Join("b", "r1")
	m.Join("ghost", "r1") // not a local socket
	if got := m.Rooms("a"); !slices.Equal(got, []string{"a", "r1", "r2"}) {
		t.Errorf("Rooms(a) = %q", got)
	}
	if got := m.Rooms("ghost"); !slices.Equal(got, []string{"ghost"}) {
		t.Errorf("Rooms(ghost) = %q", got)
	}
	if r, s := m.Size(); r != 2 || s != 2 {
		t.Errorf("Size = (%d, %d), want (2, 2)", r, s)
	}
	m.Leave("a", "r2")
	m.Leave("a", "r9")
	if r, s := m.Size(); r != 1 || s != 2 {
		t.Errorf("Size after Leave = (%d, %d), want (1, 2)", r, s)
	}
	m.LeaveAll("a")
	m.Leave("b", "r1")
	if r, s := m.Size(); r != 0 || s != 0 {
		t.Errorf("Size after leaving = (%d, %d), want (0, 0)", r, s)
	}
	m.LeaveAll("never")
}

// TestMemoryRoomsOrder checks that a socket's rooms keep the order they
// were joined in whichever room it leaves, the first one included.
func TestMemoryRoomsOrder(t *testing.T) {
	tests := []struct {
		name  string
		leave []string
		want  []string
	}{
		{"none", nil, []string{"a", "r1", "r2", "r3"}},
		{"first", []string{"r1"}, []string{"a", "r2", "r3"}},
		{"middle", []string{"r2"}, []string{"a", "r1", "r3"}},
		{"last", []string{"r3"}, []string{"a", "r1", "r2"}},
		{"first twice", []string{"r1", "r2"}, []string{"a", "r3"}},
		{"all", []string{"r2", "r1", "r3"}, []string{"a"}},
		{"unknown", []string{"r9", "a"}, []string{"a", "r1", "r2", "r3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newFake("a")
			m.Join("a", "r1", "r2", "r3")
			for _, r := range tt.leave {
				m.Leave("a", r)
			}
			if got := m.Rooms("a"); !slices.Equal(got, tt.want) {
				t.Errorf("Rooms(a) = %q, want %q", got, tt.want)
			}
			m.Join("a", "r4")
			if got := m.Rooms("a"); got[len(got)-1] != "r4" {
				t.Errorf("Rooms(a) after joining r4 = %q, want it last", got)
			}
			m.LeaveAll("a")
			if r, s := m.Size(); r != 0 || s != 0 {
				t.Errorf("Size after LeaveAll = (%d, %d), want (0, 0)", r, s)
			}
		})
	}
}

func TestMemorySelect(t *testing.T) {
	m, _ := newFake("a", "b", "c", "d")
	m.Join("a", "red")
	m.Join("b", "red", "blue")
	m.Join("c", "blue")
	m.Join("d", "a") // a room named after socket a
	tests := []struct {
		name string
		o    Options
		want []string
	}{
		{"all", Options{}, []string{"a", "b", "c", "d"}},
		{"room", Options{Rooms: []string{"red"}}, []string{"a", "b"}},
		{"rooms, no duplicate", Options{Rooms: []string{"red", "blue"}}, []string{"a", "b", "c"}},
		{"same room twice", Options{Rooms: []string{"blue", "blue"}}, []string{"b", "c"}},
		{"id and its room", Options{Rooms: []string{"b", "red"}}, []string{"a", "b"}},
		{"own room and joiners", Options{Rooms: []string{"a"}}, []string{"a", "d"}},
		{"unknown", Options{Rooms: []string{"x"}}, nil},
		{"except room", Options{Except: []string{"blue"}}, []string{"a", "d"}},
		{"except id", Options{Rooms: []string{"red", "blue"}, Except: []string{"b"}}, []string{"a", "c"}},
		{"except all", Options{Rooms: []string{"red"}, Except: []string{"red"}}, nil},
		{"except unknown", Options{Rooms: []string{"red"}, Except: []string{"x"}}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := selected(m, tt.o); !slices.Equal(got, tt.want) {
				t.Errorf("selected %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMemoryBroadcast(t *testing.T) {
	m, l := newFake("a", "b", "c")
	m.Join("a", "r")
	m.Join("b", "r")
	p := &protocol.Packet{Type: protocol.BinaryEvent, Namespace: "/", ID: protocol.NoID,
		Data: json.RawMessage(`["e",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{1}}}
	if err := m.Broadcast(p, Options{Rooms: []string{"r"}, Volatile: true}); err != nil {
		t.Fatal(err)
	}
	a, b, c := l.sockets["a"], l.sockets["b"], l.sockets["c"]
	if len(a.got) != 1 || len(b.got) != 1 || len(c.got) != 0 {
		t.Fatalf("delivered %d, %d, %d; want 1, 1, 0", len(a.got), len(b.got), len(c.got))
	}
	if a.got[0] != b.got[0] || !a.volatile[0] {
		t.Error("the packet was not encoded once, or lost its volatile flag")
	}
	frames := a.got[0].Frames()
	if len(frames) != 2 || string(frames[0].Data) != `51-["e",{"_placeholder":true,"num":0}]` || frames[0].Binary ||
		frames[0].Type != engine.Message || !frames[1].Binary || !slices.Equal(frames[1].Data, []byte{1}) {
		t.Errorf("frames = %v", frames)
	}
	literal := &Encoded{Text: []byte("2[]")}
	if f := literal.Frames(); len(f) != 1 || string(f[0].Data) != "2[]" {
		t.Errorf("frames of a literal Encoded = %v", f)
	}
}

type collector struct {
	mu     sync.Mutex
	counts []int
	acks   int
}

func (c *collector) Count(n int)           { c.mu.Lock(); c.counts = append(c.counts, n); c.mu.Unlock() }
func (c *collector) Ack([]json.RawMessage) { c.mu.Lock(); c.acks++; c.mu.Unlock() }

func TestMemoryBroadcastWithAck(t *testing.T) {
	m, l := newFake("a", "b", "c")
	m.Join("a", "r")
	m.Join("b", "r")
	var c collector
	p := &protocol.Packet{Type: protocol.Event, Namespace: "/", ID: 7, Data: json.RawMessage(`["e"]`)}
	nodes, err := m.BroadcastWithAck(p, Options{Rooms: []string{"r"}}, &c)
	if err != nil || nodes != 1 || !slices.Equal(c.counts, []int{2}) {
		t.Fatalf("nodes %d, err %v, counts %v; want 1, nil, [2]", nodes, err, c.counts)
	}
	for _, id := range []string{"a", "b"} {
		fn := l.sockets[id].acks[7]
		if fn == nil {
			t.Fatalf("socket %s expects no ack 7", id)
		}
		fn(nil)
	}
	if c.acks != 2 || len(l.sockets["c"].acks) != 0 {
		t.Errorf("acks %d, c expects %d; want 2, 0", c.acks, len(l.sockets["c"].acks))
	}
}

func TestMemoryServerWide(t *testing.T) {
	m, l := newFake("a", "b", "c")
	m.Join("a", "r")
	m.Join("b", "r")
	infos, err := m.FetchSockets(context.Background(), Options{Rooms: []string{"r"}})
	if err != nil || len(infos) != 2 {
		t.Fatalf("FetchSockets = %v, %v", infos, err)
	}
	if err := m.AddSockets(Options{Rooms: []string{"r"}}, []string{"x", "y"}); err != nil {
		t.Fatal(err)
	}
	if got := selected(m, Options{Rooms: []string{"y"}}); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("y holds %q after AddSockets", got)
	}
	if err := m.DelSockets(Options{Rooms: []string{"x"}, Except: []string{"a"}}, []string{"x", "r"}); err != nil {
		t.Fatal(err)
	}
	if got := m.Rooms("b"); !slices.Equal(got, []string{"b", "y"}) {
		t.Errorf("b rooms after DelSockets = %q", got)
	}
	if err := m.DisconnectSockets(Options{Rooms: []string{"r"}}, true); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.sockets["a"].disconnected, []bool{true}) || l.sockets["b"].disconnected != nil {
		t.Errorf("disconnected a %v, b %v", l.sockets["a"].disconnected, l.sockets["b"].disconnected)
	}
	if err := m.ServerSideEmit("e", nil); !errors.Is(err, ErrUnsupported) {
		t.Errorf("ServerSideEmit = %v, want ErrUnsupported", err)
	}
	if err := m.Close(); err != nil {
		t.Error(err)
	}
}

// TestMemoryConcurrent joins, leaves and selects from many goroutines.
func TestMemoryConcurrent(t *testing.T) {
	ids := make([]string, 64)
	for i := range ids {
		ids[i] = fmt.Sprint("s", i)
	}
	m, _ := newFake(ids...)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 500 {
				id := ids[(w*7+i)%len(ids)]
				m.Join(id, "r1", fmt.Sprint("r", i%5))
				m.Select(Options{Rooms: []string{"r1", "r2"}, Except: []string{"r3"}}, func(s Socket) { m.Rooms(s.ID()) })
				m.Leave(id, "r1")
				m.LeaveAll(id)
			}
		})
	}
	wg.Wait()
	if r, s := m.Size(); r != 0 || s != 0 {
		t.Errorf("Size = (%d, %d), want (0, 0)", r, s)
	}
}

// BenchmarkSelect1k selects one room of 1,000 sockets out of two rooms.
func BenchmarkSelect1k(b *testing.B) {
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = fmt.Sprint("s", i)
	}
	m, _ := newFake(ids...)
	for i, id := range ids {
		m.Join(id, "all")
		if i%2 == 0 {
			m.Join(id, "even")
		}
	}
	o := Options{Rooms: []string{"all", "even"}}
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		m.Select(o, func(Socket) { n++ })
	}
}

// lifecycleLocal records the rooms created and deleted.
type lifecycleLocal struct {
	*fakeLocal
	events []string
}

func (l *lifecycleLocal) RoomCreated(room string) { l.events = append(l.events, "+"+room) }
func (l *lifecycleLocal) RoomDeleted(room string) { l.events = append(l.events, "-"+room) }

// TestMemoryRoomLifecycle checks that a room is reported created when it
// gets its first member and deleted when it loses its last, whichever way
// the members come and go, and that own rooms are never reported.
func TestMemoryRoomLifecycle(t *testing.T) {
	_, fl := newFake("a", "b")
	l := &lifecycleLocal{fakeLocal: fl}
	m := NewMemory(l)
	m.Join("a", "a", "r1", "r2")
	m.Join("b", "r1", "b")
	m.AddSockets(Options{Rooms: []string{"b"}}, []string{"r3"})
	m.Leave("a", "r1")
	m.DelSockets(Options{}, []string{"r3"})
	m.LeaveAll("a")
	m.LeaveAll("b")
	want := []string{"+r1", "+r2", "+r3", "-r3", "-r2", "-r1"}
	if !slices.Equal(l.events, want) {
		t.Fatalf("events %q, want %q", l.events, want)
	}
}
