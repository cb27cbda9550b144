package redisstreams

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/internal/clusteradapter"
	"github.com/socketeer/socketeer/internal/clustertest"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/internal/testenv"
)

// TestDecodeNodeMessages reads back what Node's adapter wrote (run by
// interop/cluster/streams-wire.js): every stream entry and pub/sub
// message must decode to its shape, and encode again to the same message.
func TestDecodeNodeMessages(t *testing.T) {
	addr := testenv.RedisAddr(t)
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	defer rdb.Close()
	ctx := context.Background()
	stream, key := "socketeer-test-"+rediswire.NewID(8), "socketeer-test-"+rediswire.NewID(8)
	defer rdb.Del(ctx, stream)
	ps := rdb.Subscribe(ctx, publicChannel(key, "/"))
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	p := clustertest.StartScript(t, "cluster/streams-wire.js", "REDIS_URL=redis://"+addr, "STREAM="+stream, "KEY="+key)
	p.WaitN(1, clustertest.IsType("done"))

	entries, err := rdb.XRange(ctx, stream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	opts := func(rooms, except []string, flags map[string]any) *rediswire.Options {
		return &rediswire.Options{Rooms: rooms, Except: except, Flags: flags}
	}
	wantEntries := []struct {
		binary bool
		t      clusteradapter.MessageType
		data   clusteradapter.Data
	}{
		{false, clusteradapter.Broadcast, clusteradapter.Data{
			Packet: map[string]any{"type": 2.0, "data": []any{"e", 1.0, "two", map[string]any{"a": []any{true, nil}, "f": 1.5}}},
			Opts:   opts([]string{}, []string{}, map[string]any{})}},
		{true, clusteradapter.Broadcast, clusteradapter.Data{
			Packet: map[string]any{"type": int8(2), "data": []any{"bin", []byte{1, 2, 3}, "t"}},
			Opts:   opts([]string{"r"}, []string{"x"}, map[string]any{"volatile": true})}},
		{false, clusteradapter.SocketsJoin, clusteradapter.Data{Opts: opts([]string{"r"}, []string{}, map[string]any{}), Rooms: []string{"r2", "r3"}}},
		{false, clusteradapter.SocketsLeave, clusteradapter.Data{Opts: opts([]string{"r"}, []string{}, map[string]any{}), Rooms: []string{"r2"}}},
		{false, clusteradapter.DisconnectSockets, clusteradapter.Data{Opts: opts([]string{"r"}, []string{}, map[string]any{}), Close: ptr(true)}},
	}
	if len(entries) != len(wantEntries) {
		t.Fatalf("%d stream entries, want %d: %v", len(entries), len(wantEntries), entries)
	}
	for i, want := range wantEntries {
		e := entries[i]
		data, _ := e.Values["data"].(string)
		if binary := !strings.HasPrefix(data, "{"); binary != want.binary {
			t.Errorf("entry %d: data %q, binary %v, want %v", i, data, binary, want.binary)
		}
		m, err := decodeEntry(e.Values)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if m.Type != want.t || m.Nsp != "/" || len(m.UID) != 16 || m.Data == nil {
			t.Fatalf("entry %d: %+v", i, m)
		}
		if !reflect.DeepEqual(*m.Data, want.data) {
			t.Errorf("entry %d data:\n got %#v\nwant %#v", i, *m.Data, want.data)
		}
		checkReencode(t, m)
	}

	var got []*clusteradapter.Message
	for len(got) < 4 {
		msg, err := ps.ReceiveTimeout(ctx, 5*time.Second)
		if err != nil {
			t.Fatalf("after %d pub/sub messages: %v", len(got), err)
		}
		if pm, ok := msg.(*goredis.Message); ok {
			m, err := decodeMessage([]byte(pm.Payload))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, m)
		}
	}
	checks := []struct {
		t      clusteradapter.MessageType
		packet any
		reqID  bool
	}{
		{clusteradapter.ServerSideEmit, []any{"ping", int8(1), map[string]any{"b": "x"}}, false},
		{clusteradapter.ServerSideEmit, []any{"ask", int8(2)}, true},
		{clusteradapter.FetchSockets, nil, true},
		{clusteradapter.Broadcast, map[string]any{"type": int8(2), "data": []any{"acked", int8(3)}}, true},
	}
	// Node publishes some after counting the servers: the order varies.
	for _, c := range checks {
		i := slices.IndexFunc(got, func(m *clusteradapter.Message) bool {
			return m.Type == c.t && m.Data != nil && reflect.DeepEqual(m.Data.Packet, c.packet) && (m.Data.RequestID != "") == c.reqID
		})
		if i < 0 {
			t.Errorf("no pub/sub message of type %d with packet %#v (request id %v)", c.t, c.packet, c.reqID)
			continue
		}
		if !isEphemeral(got[i]) {
			t.Errorf("pub/sub message of type %d would go to the stream", got[i].Type)
		}
	}
	for _, m := range got {
		t.Logf("pub/sub from Node: type %d data %+v", m.Type, *m.Data)
	}
}

// checkReencode encodes m as this adapter would and decodes it again.
func checkReencode(t *testing.T, m *clusteradapter.Message) {
	t.Helper()
	fields, err := encodeEntry(m)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{}
	for i := 0; i < len(fields); i += 2 {
		values[fields[i].(string)] = fields[i+1]
	}
	back, err := decodeEntry(values)
	if err != nil {
		t.Fatal(err)
	}
	b1, _ := rediswire.ToJSON(m)
	b2, _ := rediswire.ToJSON(back)
	if string(b1) != string(b2) {
		t.Errorf("re-encoded entry differs:\n%s\n%s", b1, b2)
	}
}

func ptr[T any](v T) *T { return &v }

func TestStreamID(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		next string
	}{
		{"1700000000000-0", true, "1700000000000-1"},
		{"5-18446744073709551614", true, "5-18446744073709551615"},
		{"abc", false, ""},
		{"1-x", false, ""},
		{"-1", false, ""},
	}
	for _, tc := range tests {
		id, ok := parseID(tc.in)
		if ok != tc.ok || (ok && id.next().String() != tc.next) {
			t.Errorf("parseID(%q) = %v, %v", tc.in, id, ok)
		}
	}
	a, _ := parseID("2-0")
	b, _ := parseID("1-9")
	if !a.after(b) || b.after(a) || a.after(a) {
		t.Error("after does not order ids")
	}
}

// FuzzDecodeEntry decodes arbitrary entry fields: decoding never panics,
// and once decoded, a message encodes and decodes to itself.
func FuzzDecodeEntry(f *testing.F) {
	f.Add("3", `{"packet":{"type":2,"data":["e",1,"two",{"a":[true,null],"f":1.5}]},"opts":{"rooms":[],"except":[],"flags":{}}}`)
	f.Add("3", "g6ZwYWNrZXSCpHR5cGUCpGRhdGGTo2JpbsQDAQIDoXSkb3B0c4OlZXhjZXB0kaF4pWZsYWdzgah2b2xhdGlsZcOlcm9vbXORoXI=")
	f.Add("4", `{"opts":{"rooms":["r"],"except":[]},"rooms":["r2","r3"]}`)
	f.Add("6", `{"opts":{"rooms":["r"],"except":[]},"close":true}`)
	f.Add("x", "")
	f.Fuzz(func(t *testing.T, typ, data string) {
		m, err := decodeEntry(map[string]any{"uid": "u", "nsp": "/", "type": typ, "data": data})
		if err != nil {
			return
		}
		roundTrip := func(m *clusteradapter.Message) (*clusteradapter.Message, string) {
			fields, err := encodeEntry(m)
			if err != nil {
				t.Skip("not encodable:", err) // such as NaN from msgpack
			}
			values := map[string]any{}
			for i := 0; i < len(fields); i += 2 {
				values[fields[i].(string)] = fields[i+1]
			}
			back, err := decodeEntry(values)
			if err != nil {
				t.Fatalf("%+v encoded as %v does not decode: %v", m, values, err)
			}
			j, err := rediswire.ToJSON(back)
			if err != nil {
				t.Skip("not JSON:", err)
			}
			return back, string(j)
		}
		m2, j2 := roundTrip(m)
		_, j3 := roundTrip(m2)
		if j2 != j3 {
			t.Fatalf("unstable round trip:\n%s\n%s", j2, j3)
		}
	})
}
