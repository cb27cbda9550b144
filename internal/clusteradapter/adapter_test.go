package clusteradapter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/protocol"
)

// bus is an in-memory cluster: it encodes each message as the Redis
// transports do (msgpack, or JSON when it holds no binary), decodes it and
// hands it to every other node, synchronously.
type bus struct {
	mu     sync.Mutex
	nodes  []*Adapter
	extra  int // nodes counted that never answer
	offset int
}

type busTransport struct {
	b    *bus
	self func() *Adapter
}

func roundTrip(t MessageType, m *Message) (*Message, error) {
	var raw []byte
	var err error
	if t.MayHoldBinary() && HasBinary(m.Data) {
		raw, err = msgpack.Marshal(m)
	} else {
		raw, err = json.Marshal(m)
	}
	if err != nil {
		return nil, err
	}
	var out Message
	if raw[0] == '{' {
		err = json.Unmarshal(raw, &out)
	} else {
		err = msgpack.NewDecoder(bytes.NewReader(raw)).Decode(&out)
	}
	return &out, err
}

func (t busTransport) Publish(m *Message) (string, error) {
	dec, err := roundTrip(m.Type, m)
	if err != nil {
		return "", err
	}
	t.b.mu.Lock()
	t.b.offset++
	off := fmt.Sprintf("1-%d", t.b.offset)
	nodes := slices.Clone(t.b.nodes)
	t.b.mu.Unlock()
	for _, n := range nodes {
		n.OnMessage(dec, off)
	}
	return off, nil
}

func (t busTransport) PublishResponse(uid string, m *Message) error {
	dec, err := roundTrip(m.Type, m)
	if err != nil {
		return err
	}
	t.b.mu.Lock()
	nodes := slices.Clone(t.b.nodes)
	t.b.mu.Unlock()
	for _, n := range nodes {
		if n.UID() == uid {
			n.OnMessage(dec, "")
		}
	}
	return nil
}

func (t busTransport) ServerCount(context.Context) (int, error) {
	t.b.mu.Lock()
	defer t.b.mu.Unlock()
	return len(t.b.nodes) + t.b.extra, nil
}

func (b *bus) add(t *testing.T, l *local) *Adapter {
	a := New(l, busTransport{b: b}, Options{RequestsTimeout: 300 * time.Millisecond, Logf: t.Logf})
	b.mu.Lock()
	b.nodes = append(b.nodes, a)
	b.mu.Unlock()
	t.Cleanup(func() { a.Close() })
	return a
}

// local is a namespace "/" of sockets that record what they get.
type local struct {
	mu      sync.Mutex
	sockets map[string]*sock
	events  []string
	answer  string // the ack of server-side events, when set
}

func newLocal(ids ...string) *local {
	l := &local{sockets: map[string]*sock{}}
	for _, id := range ids {
		l.sockets[id] = &sock{id: id}
	}
	return l
}

func (l *local) Name() string { return "/" }
func (l *local) Socket(id string) adapter.Socket {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.sockets[id]; ok {
		return s
	}
	return nil
}
func (l *local) Each(fn func(adapter.Socket)) {
	l.mu.Lock()
	ss := make([]*sock, 0, len(l.sockets))
	for _, s := range l.sockets {
		ss = append(ss, s)
	}
	l.mu.Unlock()
	for _, s := range ss {
		fn(s)
	}
}
func (l *local) Logf(string, ...any) {}
func (l *local) ServerSideEvent(event string, args []json.RawMessage) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, event+string(joinArgs(args)))
}
func (l *local) ServerSideEventWithAck(event string, args []json.RawMessage, ack func([]json.RawMessage)) {
	l.ServerSideEvent(event, args)
	ack([]json.RawMessage{json.RawMessage(`"` + l.answer + `"`)})
	ack([]json.RawMessage{json.RawMessage(`"twice"`)}) // ignored
}

func joinArgs(args []json.RawMessage) []byte {
	parts := make([][]byte, len(args))
	for i, a := range args {
		parts[i] = a
	}
	return append(append([]byte("["), bytes.Join(parts, []byte(","))...), ']')
}

type sock struct {
	id           string
	mu           sync.Mutex
	got          []string
	disconnected int
}

func (s *sock) ID() string { return s.id }
func (s *sock) Deliver(e *adapter.Encoded, _ bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, string(e.Text))
}
func (s *sock) ExpectAck(id int64, fn func([]json.RawMessage)) {
	go fn([]json.RawMessage{json.RawMessage(`"ack-` + s.id + `"`)})
}
func (s *sock) Disconnect(bool) { s.mu.Lock(); s.disconnected++; s.mu.Unlock() }
func (s *sock) Info() adapter.SocketInfo {
	return adapter.SocketInfo{ID: s.id, Rooms: []string{s.id}, Data: map[string]any{"n": float64(len(s.id))}}
}
func (s *sock) texts() []string { s.mu.Lock(); defer s.mu.Unlock(); return slices.Clone(s.got) }

func event(t *testing.T, args ...any) *protocol.Packet {
	t.Helper()
	data, att, err := protocol.AppendArgs(nil, args)
	if err != nil {
		t.Fatal(err)
	}
	p := &protocol.Packet{Type: protocol.Event, Namespace: "/", ID: protocol.NoID, Data: data, Attachments: att}
	if len(att) > 0 {
		p.Type = protocol.BinaryEvent
	}
	return p
}

func TestBroadcastAcrossNodes(t *testing.T) {
	b := &bus{}
	l1, l2 := newLocal("a1", "a2"), newLocal("b1", "b2")
	n1, n2 := b.add(t, l1), b.add(t, l2)
	n2.Join("b1", "room")
	n1.Join("a1", "room")
	tests := []struct {
		name string
		p    *protocol.Packet
		o    adapter.Options
		want map[string][]string // socket → texts received
	}{
		{"all, offsets stamped", event(t, "e", 1), adapter.Options{},
			map[string][]string{"a1": {`2["e",1,"1-1"]`}, "a2": {`2["e",1,"1-1"]`}, "b1": {`2["e",1,"1-1"]`}, "b2": {`2["e",1,"1-1"]`}}},
		{"room", event(t, "r"), adapter.Options{Rooms: []string{"room"}},
			map[string][]string{"a1": {`2["r","1-2"]`}, "b1": {`2["r","1-2"]`}}},
		{"except a remote socket", event(t, "x"), adapter.Options{Except: []string{"b2"}},
			map[string][]string{"a1": {`2["x","1-3"]`}, "a2": {`2["x","1-3"]`}, "b1": {`2["x","1-3"]`}}},
		{"volatile gets no offset", event(t, "v"), adapter.Options{Rooms: []string{"b2"}, Volatile: true},
			map[string][]string{"b2": {`2["v"]`}}},
		{"binary", event(t, "bin", []byte{1, 2}), adapter.Options{Rooms: []string{"b2"}},
			map[string][]string{"b2": {`51-["bin",{"_placeholder":true,"num":0},"1-5"]`}}},
		{"local only", event(t, "l"), adapter.Options{Local: true},
			map[string][]string{"a1": {`2["l"]`}, "a2": {`2["l"]`}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := map[string]int{}
			for _, l := range []*local{l1, l2} {
				for id, s := range l.sockets {
					before[id] = len(s.texts())
				}
			}
			if err := n1.Broadcast(tc.p, tc.o); err != nil {
				t.Fatal(err)
			}
			for _, l := range []*local{l1, l2} {
				for id, s := range l.sockets {
					got := s.texts()[before[id]:]
					if !slices.Equal(got, tc.want[id]) {
						t.Errorf("%s got %q, want %q", id, got, tc.want[id])
					}
				}
			}
		})
	}
}

func TestSocketsJoinLeaveDisconnect(t *testing.T) {
	b := &bus{}
	l1, l2 := newLocal("a1"), newLocal("b1", "b2")
	n1, n2 := b.add(t, l1), b.add(t, l2)
	if err := n1.AddSockets(adapter.Options{Except: []string{"b2"}}, []string{"r"}); err != nil {
		t.Fatal(err)
	}
	if got := n2.Rooms("b1"); !slices.Equal(got, []string{"b1", "r"}) {
		t.Fatalf("b1 rooms %v", got)
	}
	if got := n2.Rooms("b2"); !slices.Equal(got, []string{"b2"}) {
		t.Fatalf("b2 rooms %v", got)
	}
	if err := n1.DelSockets(adapter.Options{Rooms: []string{"b1"}}, []string{"r"}); err != nil {
		t.Fatal(err)
	}
	if got := n2.Rooms("b1"); !slices.Equal(got, []string{"b1"}) {
		t.Fatalf("b1 rooms after leave %v", got)
	}
	if got := n1.Rooms("a1"); !slices.Equal(got, []string{"a1", "r"}) {
		t.Fatalf("a1 rooms %v", got)
	}
	if err := n1.DisconnectSockets(adapter.Options{Rooms: []string{"b2", "a1"}}, true); err != nil {
		t.Fatal(err)
	}
	if l2.sockets["b2"].disconnected != 1 || l2.sockets["b1"].disconnected != 0 || l1.sockets["a1"].disconnected != 1 {
		t.Fatal("DisconnectSockets did not disconnect exactly a1 and b2")
	}
}

func TestFetchSockets(t *testing.T) {
	b := &bus{}
	n1 := b.add(t, newLocal("a1"))
	b.add(t, newLocal("b1", "b2"))
	got, err := n1.FetchSockets(context.Background(), adapter.Options{Except: []string{"b2"}})
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, s := range got {
		ids = append(ids, s.ID)
		if s.Data["n"] != float64(2) {
			t.Errorf("%s data %v", s.ID, s.Data)
		}
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"a1", "b1"}) {
		t.Fatalf("fetched %v", ids)
	}

	b.extra = 1 // a node that never answers
	start := time.Now()
	got, err = n1.FetchSockets(context.Background(), adapter.Options{})
	if !errors.Is(err, errors.ErrAdapter) || len(got) != 3 {
		t.Fatalf("with a silent node: %d sockets, err %v; want the 3 that answered and a timeout", len(got), err)
	}
	if !strings.Contains(err.Error(), "1 of 2 nodes answered") {
		t.Errorf("error %q does not say who answered", err)
	}
	t.Logf("partial answer after %v: %v", time.Since(start), err)
}

func TestServerSideEmit(t *testing.T) {
	b := &bus{}
	l1, l2, l3 := newLocal(), newLocal(), newLocal()
	l2.answer, l3.answer = "two", "three"
	n1 := b.add(t, l1)
	b.add(t, l2)
	b.add(t, l3)
	if err := n1.ServerSideEmit("hello", []json.RawMessage{json.RawMessage(`{"a":[1,2.5]}`)}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []*local{l2, l3} {
		if !slices.Equal(l.events, []string{`hello[{"a":[1,2.5]}]`}) {
			t.Fatalf("events %q", l.events)
		}
	}
	if len(l1.events) != 0 {
		t.Fatalf("the sender got its own event: %q", l1.events)
	}
	answers, err := n1.ServerSideEmitWithAck(context.Background(), "ask", nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range answers {
		got = append(got, string(joinArgs(a)))
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{`["three"]`, `["two"]`}) {
		t.Fatalf("answers %q", got)
	}
	b.extra = 1
	answers, err = n1.ServerSideEmitWithAck(context.Background(), "ask", nil)
	if !errors.Is(err, errors.ErrAdapter) || len(answers) != 2 {
		t.Fatalf("with a silent node: %d answers, err %v", len(answers), err)
	}
}

// collector records a BroadcastWithAck's outcome.
type collector struct {
	mu     sync.Mutex
	counts []int
	acks   []string
}

func (c *collector) Count(n int) { c.mu.Lock(); c.counts = append(c.counts, n); c.mu.Unlock() }
func (c *collector) Ack(args []json.RawMessage) {
	c.mu.Lock()
	c.acks = append(c.acks, string(joinArgs(args)))
	c.mu.Unlock()
}

func TestBroadcastWithAck(t *testing.T) {
	b := &bus{}
	n1 := b.add(t, newLocal("a1"))
	b.add(t, newLocal("b1", "b2"))
	c := &collector{}
	p := event(t, "ask")
	p.ID = 7
	nodes, err := n1.BroadcastWithAck(p, adapter.Options{}, c)
	if err != nil || nodes != 2 {
		t.Fatalf("nodes %d, err %v", nodes, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.mu.Lock()
		n := len(c.acks)
		c.mu.Unlock()
		if n == 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	slices.Sort(c.counts)
	slices.Sort(c.acks)
	if !slices.Equal(c.counts, []int{1, 2}) || !slices.Equal(c.acks, []string{`["ack-a1"]`, `["ack-b1"]`, `["ack-b2"]`}) {
		t.Fatalf("counts %v acks %q", c.counts, c.acks)
	}
}

func TestIgnored(t *testing.T) {
	b := &bus{}
	l1 := newLocal("a1")
	n1 := b.add(t, l1)
	for _, m := range []*Message{
		{UID: n1.UID(), Nsp: "/", Type: Broadcast, Data: &Data{Packet: map[string]any{"type": 2.0, "data": []any{"self"}}, Opts: options(nil, nil, false)}},
		{UID: "x", Nsp: "/other", Type: Broadcast, Data: &Data{Packet: map[string]any{"type": 2.0, "data": []any{"nsp"}}, Opts: options(nil, nil, false)}},
		{UID: "x", Nsp: "/", Type: Heartbeat},
		{UID: "x", Nsp: "/", Type: Broadcast, Data: &Data{Packet: "junk", Opts: options(nil, nil, false)}},
		{UID: "x", Nsp: "/", Type: Broadcast},
		{UID: "x", Nsp: "/", Type: SocketsJoin, Data: &Data{Rooms: []string{"r"}}},
		{UID: "x", Nsp: "/", Type: 99, Data: &Data{}},
	} {
		n1.OnMessage(m, "1-1")
	}
	if got := l1.sockets["a1"].texts(); len(got) != 0 {
		t.Fatalf("a1 got %q", got)
	}
	if got := n1.Rooms("a1"); len(got) != 1 {
		t.Fatalf("a1 rooms %v", got)
	}
}
