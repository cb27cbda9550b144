package dispatch_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/internal/memsession"
	"github.com/socketeer/socketeer/internal/msgpack"
	"github.com/socketeer/socketeer/internal/nsrt"
)

// mpConn connects a msgpack client to a router serving benchNS at "/".
func mpConn(t *testing.T) (*memsession.Session, engine.Receiver) {
	t.Helper()
	table, err := dispatch.Compile(&benchNS{})
	if err != nil {
		t.Fatal(err)
	}
	rt, err := nsrt.New("/", nsrt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := dispatch.New(dispatch.Options{Parser: dispatch.Msgpack})
	if err := r.Handle(rt, table); err != nil {
		t.Fatal(err)
	}
	sess := memsession.New(memsession.Options{Keep: true, Msgpack: true})
	recv := r.Open(sess)
	t.Cleanup(func() {
		recv.OnClose(engine.ReasonTransportClose)
		rt.Close()
	})
	recv.OnMessage([]byte("\x82\xa4type\x00\xa3nsp\xa1/"), true)
	if rt.Len() != 1 {
		t.Fatalf("the client did not join: %d sockets", rt.Len())
	}
	return sess, recv
}

// TestMsgpackMalformedBoundedMemory feeds frames that are not one valid
// packet: each closes the session, and decoding them allocates little
// whatever lengths or depth they announce.
func TestMsgpackMalformedBoundedMemory(t *testing.T) {
	event, err := msgpack.AppendEvent(nil, "/", -1, "fast", []any{"hello"})
	if err != nil {
		t.Fatal(err)
	}
	head := "\x83\xa4type\x02\xa3nsp\xa1/\xa4data"
	cases := []struct {
		name   string
		binary bool
		frame  []byte
	}{
		{"text message", false, []byte(`2["fast","hello"]`)},
		{"truncated", true, event[:len(event)-4]},
		{"not a map", true, []byte{0x92, 0x01, 0x02}},
		{"type not a number", true, []byte("\x82\xa4type\xa12\xa3nsp\xa1/")},
		{"data not an array", true, []byte(head + "\x81\xa1k\x01")},
		{"event name not a string", true, []byte(head + "\x92\xc3\x01")},
		{"array of 4G elements", true, []byte(head + "\xdd\xff\xff\xff\xff")},
		{"map of 4G members", true, []byte(head + "\x91\xdf\xff\xff\xff\xff")},
		{"string of 4 GiB", true, []byte(head + "\x92\xa4fast\xdb\xff\xff\xff\xff")},
		{"bin of 4 GiB", true, []byte(head + "\x92\xa4fast\xc6\xff\xff\xff\xff")},
		{"ext of 4 GiB", true, []byte(head + "\x92\xa4fast\xc9\xff\xff\xff\xff\x00")},
		{"nested 100000 deep", true, []byte(head + "\x92\xa4fast" + strings.Repeat("\x91", 100_000) + "\xc0")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sess, recv := mpConn(t)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			recv.OnMessage(c.frame, c.binary)
			runtime.ReadMemStats(&after)
			if !sess.Closed() {
				t.Fatal("the session is still open")
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
				t.Errorf("decoding allocated %d bytes", n)
			}
		})
	}
	// A valid event on a fresh connection does not close it.
	sess, recv := mpConn(t)
	recv.OnMessage(event, true)
	if sess.Closed() {
		t.Fatal("a valid event closed the session")
	}
}
