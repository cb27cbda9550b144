package recovery

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/protocol"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// local is an adapter.Local of sockets that record what they get.
type local struct {
	mu      sync.Mutex
	sockets map[string]*sock
}

type sock struct {
	id  string
	mu  sync.Mutex
	got []string
}

func (s *sock) ID() string                               { return s.id }
func (s *sock) ExpectAck(int64, func([]json.RawMessage)) {}
func (s *sock) Disconnect(bool)                          {}
func (s *sock) Info() adapter.SocketInfo                 { return adapter.SocketInfo{ID: s.id} }
func (s *sock) Deliver(e *adapter.Encoded, volatile bool) {
	s.mu.Lock()
	s.got = append(s.got, string(e.Text))
	s.mu.Unlock()
}

func (l *local) Name() string { return "/" }
func (l *local) Socket(id string) adapter.Socket {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s := l.sockets[id]; s != nil {
		return s
	}
	return nil
}
func (l *local) Each(fn func(adapter.Socket)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.sockets {
		fn(s)
	}
}
func (l *local) ServerSideEvent(string, []json.RawMessage) {}
func (l *local) Logf(string, ...any)                       {}

func (l *local) add(id string) *sock {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := &sock{id: id}
	l.sockets[id] = s
	return s
}

func (l *local) del(id string) {
	l.mu.Lock()
	delete(l.sockets, id)
	l.mu.Unlock()
}

func newTest(o Options) (*Adapter, *local) {
	l := &local{sockets: map[string]*sock{}}
	return New(adapter.NewMemory(l), "/", o), l
}

func event(name string, args ...string) *protocol.Packet {
	data := `["` + name + `"`
	for _, a := range args {
		data += `,` + a
	}
	return &protocol.Packet{Type: protocol.Event, Namespace: "/", ID: protocol.NoID, Data: json.RawMessage(data + "]")}
}

func TestAppendOffset(t *testing.T) {
	for in, want := range map[string]string{
		`["a"]`:                               `["a","7"]`,
		`["a",1,{"b":[2]}]`:                   `["a",1,{"b":[2]},"7"]`,
		`[]`:                                  `["7"]`,
		`["a",{"_placeholder":true,"num":0}]`: `["a",{"_placeholder":true,"num":0},"7"]`,
	} {
		if got := string(AppendOffset([]byte(in), []byte("7"))); got != want {
			t.Errorf("AppendOffset(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestIncludes(t *testing.T) {
	tests := []struct {
		rooms, to, except []string
		want              bool
	}{
		{[]string{"id", "r1"}, nil, nil, true},
		{[]string{"id", "r1"}, []string{"r1"}, nil, true},
		{[]string{"id", "r1"}, []string{"r2"}, nil, false},
		{[]string{"id", "r1"}, []string{"id"}, nil, true},
		{[]string{"id", "r1"}, nil, []string{"r1"}, false},
		{[]string{"id", "r1"}, []string{"r1"}, []string{"id"}, false},
	}
	for _, tt := range tests {
		if got := includes(tt.rooms, tt.to, tt.except); got != tt.want {
			t.Errorf("includes(%v, %v, %v) = %v", tt.rooms, tt.to, tt.except, got)
		}
	}
}

// offsetOf returns the offset the last packet s got carries.
func offsetOf(t *testing.T, s *sock) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	last := s.got[len(s.got)-1]
	var arr []any
	if err := json.Unmarshal([]byte(last[1:]), &arr); err != nil {
		t.Fatalf("%s: %v", last, err)
	}
	return arr[len(arr)-1].(string)
}

// TestRestore: only the packets after the offset that reached the
// session's rooms, in order; ack-ed and volatile packets carry no offset
// and are not kept; a session restores once.
func TestRestore(t *testing.T) {
	a, l := newTest(Options{})
	defer a.Close()
	s := l.add("s")
	a.Join("s", "r1")
	a.Broadcast(event("m", "1"), adapter.Options{})
	off := offsetOf(t, s)
	a.Persist(Session{SID: "s", PID: "p", Rooms: a.Rooms("s"), Data: map[string]any{"k": 1}})
	a.LeaveAll("s")
	l.del("s")
	a.Broadcast(event("m", "2"), adapter.Options{Rooms: []string{"r1"}})
	a.Broadcast(event("m", "3"), adapter.Options{Rooms: []string{"r2"}})
	a.Broadcast(event("m", "4"), adapter.Options{Rooms: []string{"r1"}, Except: []string{"s"}})
	a.Broadcast(event("m", "5"), adapter.Options{Volatile: true})
	ack := event("m", "6")
	ack.ID = 3
	a.Broadcast(ack, adapter.Options{})
	a.Broadcast(event("m", "7"), adapter.Options{Rooms: []string{"s"}})

	var got []string
	ok := a.Restore("p", off, func(sess Session, missed []*adapter.Encoded) {
		if sess.SID != "s" || sess.Data["k"] != 1 {
			t.Errorf("session %+v", sess)
		}
		for _, e := range missed {
			got = append(got, string(e.Text))
		}
	})
	want := []string{`2["m",2,"2"]`, `2["m",7,"5"]`}
	if !ok || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Restore = %v, %q; want true, %q", ok, got, want)
	}
	if a.Restore("p", off, func(Session, []*adapter.Encoded) { t.Error("restored twice") }) {
		t.Error("a session restored twice")
	}
	if p, _, n := a.Stats(); p != 5 || n != 0 {
		t.Errorf("Stats = %d packets, %d sessions; want 5, 0", p, n)
	}
}

// TestRefusals: unknown pid or offset, caps, and the expiry hook.
func TestRefusals(t *testing.T) {
	var mu sync.Mutex
	var logs, expired []string
	o := Options{MaxPackets: 3, Window: time.Hour,
		Logf:      func(f string, args ...any) { mu.Lock(); logs = append(logs, fmt.Sprintf(f, args...)); mu.Unlock() },
		OnExpired: func(sid string, _ map[string]any) { mu.Lock(); expired = append(expired, sid); mu.Unlock() }}
	a, _ := newTest(o)
	defer a.Close()
	a.Persist(Session{SID: "s", PID: "p", Rooms: []string{"s"}})
	for range 4 {
		a.Broadcast(event("m"), adapter.Options{})
	}
	none := func(Session, []*adapter.Encoded) { t.Error("attached") }
	if a.Restore("nope", "0", none) || a.Restore("p", "zz!", none) {
		t.Error("restored an unknown pid or offset")
	}
	a.Persist(Session{SID: "s", PID: "p", Rooms: []string{"s"}})
	if a.Restore("p", "0", none) {
		t.Error("restored past MaxPackets")
	}
	deadline := time.Now().Add(time.Second)
	for {
		mu.Lock()
		n := len(expired)
		mu.Unlock()
		if n == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(expired) != 2 || !strings.Contains(strings.Join(logs, "\n"), "more than 3 packets") {
		t.Errorf("expired %q, logs %q", expired, logs)
	}
}

// TestWindow: the session expires after the window, the hook runs, and
// old packets leave the log.
func TestWindow(t *testing.T) {
	done := make(chan string, 1)
	a, _ := newTest(Options{Window: 50 * time.Millisecond, OnExpired: func(sid string, _ map[string]any) { done <- sid }})
	defer a.Close()
	a.Broadcast(event("m"), adapter.Options{})
	a.Persist(Session{SID: "s", PID: "p", Rooms: []string{"s"}})
	select {
	case sid := <-done:
		if sid != "s" {
			t.Errorf("expired %q", sid)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no expiry")
	}
	if p, _, n := a.Stats(); p != 0 || n != 0 {
		t.Errorf("Stats = %d packets, %d sessions after the window; want 0, 0", p, n)
	}
}

// TestMemoryBounded: 100,000 packets of 1 KB go out while a session is
// away; the log stays under MaxTotalBytes and so does the heap's growth.
func TestMemoryBounded(t *testing.T) {
	const limit = 4 << 20
	a, l := newTest(Options{MaxTotalBytes: limit})
	defer a.Close()
	l.add("live")
	a.Persist(Session{SID: "s", PID: "p", Rooms: []string{"s"}})
	pad := `"` + strings.Repeat("x", 1024) + `"`
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 100_000 {
		a.Broadcast(event("m", pad), adapter.Options{Rooms: []string{"nobody"}})
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	p, b, _ := a.Stats()
	growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("after 100,000 packets of 1 KB: log %d packets, %d bytes; heap growth %.1f MB", p, b, float64(growth)/(1<<20))
	if b > limit {
		t.Errorf("log holds %d bytes, cap %d", b, limit)
	}
	if growth > 3*limit {
		t.Errorf("heap grew by %d bytes, want under %d", growth, 3*limit)
	}
}

// TestExactlyOnceUnderLoad: while broadcasts go out back to back, a socket
// drops and is restored; what it got before, what Restore gives and what
// it gets live afterwards make every broadcast exactly once, in order.
func TestExactlyOnceUnderLoad(t *testing.T) {
	a, l := newTest(Options{})
	defer a.Close()
	s := l.add("s")
	const n = 20000
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; i <= n; i++ {
			a.Broadcast(event("m", fmt.Sprint(i)), adapter.Options{})
		}
	}()
	for {
		s.mu.Lock()
		got := len(s.got)
		s.mu.Unlock()
		if got >= 100 {
			break
		}
		time.Sleep(time.Microsecond)
	}
	// Disconnect: the socket leaves the namespace; its state is kept.
	l.del("s")
	s.mu.Lock()
	before := append([]string(nil), s.got...)
	s.mu.Unlock()
	a.Persist(Session{SID: "s", PID: "p", Rooms: []string{"s"}})
	off := offsetOf(t, &sock{got: before})
	// The client comes back on a new socket object.
	s2 := &sock{id: "s"}
	if !a.Restore("p", off, func(_ Session, missed []*adapter.Encoded) {
		for _, e := range missed {
			s2.got = append(s2.got, string(e.Text))
		}
		l.mu.Lock()
		l.sockets["s"] = s2
		l.mu.Unlock()
	}) {
		t.Fatal("not restored")
	}
	<-done
	all := append(before, s2.got...)
	if len(all) != n {
		t.Fatalf("got %d packets in all, want %d", len(all), n)
	}
	for i, text := range all {
		var arr []any
		if err := json.Unmarshal([]byte(text[1:]), &arr); err != nil {
			t.Fatal(err)
		}
		if arr[1].(float64) != float64(i+1) {
			t.Fatalf("packet %d is %s: a gap or a duplicate", i+1, text)
		}
	}
}
