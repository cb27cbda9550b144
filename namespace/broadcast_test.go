package namespace

import (
	"slices"
	"testing"
	"time"

	"github.com/socketeer/socketeer/errors"
)

func TestSend(t *testing.T) {
	rt := newRuntime(t, time.Second)
	ns := Of(rt)
	s, c := connect(t, rt, "room")
	tests := []struct {
		name string
		emit func() error
		want []string // packets as they arrive, attachments inlined as base64
	}{
		{"Emit no args", func() error { return s.Emit("ping") }, []string{`["ping"]`}},
		{"Emit several args", func() error { return s.Emit("e", 1, "two", map[string]any{"three": 3}, nil, []int{4}) },
			[]string{`["e",1,"two",{"three":3},null,[4]]`}},
		{"Emit binary", func() error { return s.Emit("bin", []byte{1, 2}, "x", []any{[]byte{3}}) },
			[]string{`["bin","AQI=","x",["Aw=="]]`}},
		{"Send", func() error { return s.Send("hello") }, []string{`["message","hello"]`}},
		{"SendJSON", func() error { return s.SendJSON(map[string]int{"a": 1}) }, []string{`["json",{"a":1}]`}},
		{"broadcast several args", func() error { return ns.To("room").Emit("e", 1, "two") }, []string{`["e",1,"two"]`}},
		{"broadcast binary", func() error { return ns.To("room").Emit("bin", map[string]any{"b": []byte("hi")}) },
			[]string{`["bin",{"b":"aGk="}]`}},
		{"broadcast Send", func() error { return ns.To("room").Send([]string{"a"}) }, []string{`["message",["a"]]`}},
		{"from a goroutine", func() error {
			errc := make(chan error)
			time.AfterFunc(time.Millisecond, func() { errc <- Of(rt).To(s.ID()).Emit("later", "x") })
			return <-errc
		}, []string{`["later","x"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.Reset()
			if err := tt.emit(); err != nil {
				t.Fatal(err)
			}
			if got := c.events(t); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBinaryFrames(t *testing.T) {
	rt := newRuntime(t, time.Second)
	_, c := connect(t, rt, "room")
	if err := Of(rt).To("room").Emit("bin", []byte{0xff}, []byte{}); err != nil {
		t.Fatal(err)
	}
	msgs := c.Messages()
	if len(msgs) != 3 || msgs[0].Binary || !msgs[1].Binary || !msgs[2].Binary {
		t.Fatalf("got %d messages %v, want a text header and 2 binary frames", len(msgs), msgs)
	}
	if got := string(msgs[0].Data); got != `52-["bin",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]` {
		t.Errorf("header = %s", got)
	}
}

func TestSendErrors(t *testing.T) {
	rt := newRuntime(t, time.Second)
	s, _ := connect(t, rt)
	if err := s.Emit("connect"); !errors.Is(err, errors.ErrReservedEvent) {
		t.Errorf("Emit(connect) = %v, want ErrReservedEvent", err)
	}
	if err := Of(rt).Emit("disconnecting"); !errors.Is(err, errors.ErrReservedEvent) {
		t.Errorf("broadcast of a reserved event = %v, want ErrReservedEvent", err)
	}
	if err := s.Emit("e", make(chan int)); err == nil {
		t.Error("Emit of an unencodable arg succeeded")
	}
	if err := (&Namespace{}).Emit("e"); !errors.Is(err, errors.ErrUnknownNamespace) {
		t.Errorf("Emit on an unregistered Namespace = %v, want ErrUnknownNamespace", err)
	}
	s.Disconnect(false)
	if err := s.Emit("e"); !errors.Is(err, errors.ErrSocketClosed) {
		t.Errorf("Emit after disconnect = %v, want ErrSocketClosed", err)
	}
}

// TestHeldWhileConnecting checks that what is emitted to a socket before
// Accept arrives after it, in order, and that volatile packets are dropped.
func TestHeldWhileConnecting(t *testing.T) {
	rt := newRuntime(t, time.Second)
	c := newFakeConn()
	s := (*Socket)(rt.Connect(c, Handshake{}))
	s.Join("room")
	s.Emit("first")
	Of(rt).To("room").Emit("second")
	s.Volatile().Emit("dropped")
	if got := c.events(t); len(got) != 0 {
		t.Fatalf("sent before Accept: %q", got)
	}
	core(s).Accept()
	s.Emit("third")
	if got, want := c.events(t), []string{`["first"]`, `["second"]`, `["third"]`}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	s.Disconnect(false)
}

func TestVolatile(t *testing.T) {
	rt := newRuntime(t, time.Second)
	ns := Of(rt)
	s, free := connect(t, rt, "room")
	_, busy := connect(t, rt, "room")
	busy.Busy.Store(true)
	if err := ns.To("room").Volatile().Emit("v"); err != nil {
		t.Fatal(err)
	}
	if err := ns.Volatile().Emit("bin", []byte{1}); err != nil {
		t.Fatal(err)
	}
	if got, want := free.events(t), []string{`["v"]`, `["bin","AQ=="]`}; !slices.Equal(got, want) {
		t.Errorf("free socket got %q, want %q", got, want)
	}
	if got := busy.events(t); len(got) != 0 {
		t.Errorf("busy socket got %q, want nothing", got)
	}
	free.Busy.Store(true)
	s.Volatile().Emit("dropped")
	free.Busy.Store(false)
	s.Volatile().Emit("kept")
	if got := free.events(t); got[len(got)-1] != `["kept"]` || len(got) != 3 {
		t.Errorf("socket Volatile: got %q", got)
	}
	// A volatile packet is dropped by a busy socket, not queued for later.
	busy.Busy.Store(false)
	ns.To("room").Emit("plain")
	if got := busy.events(t); !slices.Equal(got, []string{`["plain"]`}) {
		t.Errorf("busy socket, once free, got %q", got)
	}
}

// benchRoom connects n counting sockets in one room.
func benchRoom(tb testing.TB, n int) (*Runtime, []*fakeConn) {
	rt := newRuntime(tb, time.Second)
	conns := make([]*fakeConn, n)
	for i := range conns {
		conns[i] = newConn(true)
		connectConn(rt, conns[i], "room")
	}
	return rt, conns
}

func benchmarkBroadcast(b *testing.B, n int) {
	rt, conns := benchRoom(b, n)
	op := Of(rt).To("room")
	payload := map[string]any{"user": "ann", "text": "hello"}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := op.Emit("chat", payload); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if got := conns[n-1].Sent(); got < int64(b.N) {
		b.Fatalf("last socket got %d packets, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/recipient")
}

// BenchmarkBroadcast10k broadcasts one event to 10,000 sockets in a room.
func BenchmarkBroadcast10k(b *testing.B) { benchmarkBroadcast(b, 10_000) }

// BenchmarkBroadcast1k is the same with 1,000 sockets: allocs/op must match.
func BenchmarkBroadcast1k(b *testing.B) { benchmarkBroadcast(b, 1_000) }

// TestBroadcastAllocs checks that a broadcast allocates the same whatever
// the number of recipients, to one room and to several.
func TestBroadcastAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	measure := func(n int, emit func(Operator) error, op func(*Runtime) Operator) float64 {
		rt, conns := benchRoom(t, n)
		for i, c := range conns { // half the sockets are in "other" too
			if i%2 == 1 {
				rt.Adapter().Join(c.sock.ID(), "other")
			}
		}
		o := op(rt)
		return testing.AllocsPerRun(50, func() {
			if err := emit(o); err != nil {
				t.Fatal(err)
			}
		})
	}
	emit := func(o Operator) error { return o.Emit("chat", "hello") }
	binary := func(o Operator) error { return o.Emit("chat", []byte("hello")) }
	tests := []struct {
		name string
		emit func(Operator) error
		op   func(*Runtime) Operator
	}{
		{"one room", emit, func(rt *Runtime) Operator { return Of(rt).To("room") }},
		{"two rooms", emit, func(rt *Runtime) Operator { return Of(rt).To("room", "other") }},
		{"namespace", emit, func(rt *Runtime) Operator { return Of(rt).Except("other") }},
		{"binary", binary, func(rt *Runtime) Operator { return Of(rt).To("room") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			small, large := measure(10, tt.emit, tt.op), measure(1000, tt.emit, tt.op)
			// A few allocs of slack: under -race sync.Pool drops some of
			// what it is given. A per-recipient alloc would add 990.
			t.Logf("allocs per broadcast: %v to 10 sockets, %v to 1000", small, large)
			if large > small+5 {
				t.Errorf("allocs per broadcast grow with recipients: %v to 10 sockets, %v to 1000", small, large)
			}
		})
	}
}
