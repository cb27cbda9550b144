package msgpack

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/socketeer/socketeer/protocol"
)

// frame builds a packet map from msgpack hex members.
func frame(t testing.TB, members ...string) []byte {
	return mustHex(t, hexHeader(len(members)/2)+strings.Join(members, ""))
}

func hexHeader(n int) string {
	const digits = "0123456789abcdef"
	return string([]byte{'8', digits[n]})
}

// Member names and values, in hex.
const (
	kType  = "a474797065"
	kData  = "a464617461"
	kNSP   = "a36e7370"
	kID    = "a26964"
	vRoot  = "a12f"
	vUndef = "d40000"
)

func TestDecodeInvalid(t *testing.T) {
	event := "92a161" + "01" // ["a", 1]
	for _, c := range []struct {
		name  string
		frame []byte
		also  error
	}{
		{"empty", nil, ErrMalformed},
		{"not a map", mustHex(t, "92a16101"), nil},
		{"truncated", mustHex(t, "83a474797065"), ErrMalformed},
		{"trailing bytes", append(frame(t, kType, "02", kData, event, kNSP, vRoot), 0xc0), ErrMalformed},
		{"type missing", frame(t, kData, event, kNSP, vRoot), nil},
		{"type 5", frame(t, kType, "05", kData, event, kNSP, vRoot), nil},
		{"type -1", frame(t, kType, "ff", kData, event, kNSP, vRoot), nil},
		{"type 2.5", frame(t, kType, "cb4004000000000000", kData, event, kNSP, vRoot), nil},
		{"type string", frame(t, kType, "a132", kData, event, kNSP, vRoot), nil},
		{"type undefined", frame(t, kType, vUndef, kData, event, kNSP, vRoot), nil},
		{"nsp missing", frame(t, kType, "02", kData, event), nil},
		{"nsp number", frame(t, kType, "02", kData, event, kNSP, "01"), nil},
		{"nsp too long", frame(t, kType, "02", kData, event, kNSP, "da0101"+strings.Repeat("61", 257)), nil},
		{"connect array", frame(t, kType, "00", kData, "90", kNSP, vRoot), nil},
		{"connect string", frame(t, kType, "00", kData, "a161", kNSP, vRoot), nil},
		{"disconnect data", frame(t, kType, "01", kData, "80", kNSP, vRoot), nil},
		{"connect_error array", frame(t, kType, "04", kData, "90", kNSP, vRoot), nil},
		{"connect_error absent", frame(t, kType, "04", kNSP, vRoot), nil},
		{"event map", frame(t, kType, "02", kData, "80", kNSP, vRoot), nil},
		{"event absent", frame(t, kType, "02", kNSP, vRoot), nil},
		{"event undefined", frame(t, kType, "02", kData, vUndef, kNSP, vRoot), nil},
		{"event empty", frame(t, kType, "02", kData, "90", kNSP, vRoot), nil},
		{"event name bool", frame(t, kType, "02", kData, "91c3", kNSP, vRoot), nil},
		{"event name nil", frame(t, kType, "02", kData, "91c0", kNSP, vRoot), nil},
		{"event reserved", frame(t, kType, "02", kData, "91a7636f6e6e656374", kNSP, vRoot), nil},
		{"ack map", frame(t, kType, "03", kData, "80", kNSP, vRoot, kID, "01"), nil},
		{"id negative", frame(t, kType, "02", kData, event, kNSP, vRoot, kID, "ff"), nil},
		{"id string", frame(t, kType, "02", kData, event, kNSP, vRoot, kID, "a131"), nil},
		{"id float", frame(t, kType, "02", kData, event, kNSP, vRoot, kID, "cb3ff8000000000000"), nil},
		{"id nil", frame(t, kType, "02", kData, event, kNSP, vRoot, kID, "c0"), nil},
		{"id too big", frame(t, kType, "02", kData, event, kNSP, vRoot, kID, "cf8000000000000000"), nil},
		{"bad key", frame(t, "90", "c0", kType, "02", kData, event, kNSP, vRoot), ErrMalformed},
		{"deep data", frame(t, kType, "02", kData, "92a161"+strings.Repeat("91", 999)+"c0", kNSP, vRoot), ErrTooDeep},
		{"deep unknown member", frame(t, "a178", strings.Repeat("91", 1000)+"c0", kType, "02", kData, event, kNSP, vRoot), ErrTooDeep},
	} {
		p, err := NewDecoder(Limits{}).Decode(c.frame)
		if p != nil || !errors.Is(err, ErrInvalidPacket) || c.also != nil && !errors.Is(err, c.also) {
			t.Errorf("%s: got %v, %v", c.name, p, err)
		}
	}
}

func TestDecodeValid(t *testing.T) {
	event := "92a161" + "01"
	for _, c := range []struct {
		name  string
		frame []byte
		want  protocol.Packet
	}{
		{"members in any order, unknown ones and duplicates",
			frame(t, kNSP, "a22f78", "a178", "c0", kID, "02", kData, event, kType, "02", kNSP, vRoot),
			protocol.Packet{Type: protocol.Event, Namespace: "/", ID: 2, Data: []byte(`["a",1]`)}},
		{"integral float type and id", frame(t, kType, "cb4000000000000000", kData, event, kNSP, vRoot, kID, "cb4008000000000000"),
			protocol.Packet{Type: protocol.Event, Namespace: "/", ID: 3, Data: []byte(`["a",1]`)}},
		{"id undefined", frame(t, kType, "02", kData, event, kNSP, vRoot, kID, vUndef),
			protocol.Packet{Type: protocol.Event, Namespace: "/", ID: protocol.NoID, Data: []byte(`["a",1]`)}},
		{"id int 64", frame(t, kType, "03", kData, "90", kNSP, vRoot, kID, "d30000000000000009"),
			protocol.Packet{Type: protocol.Ack, Namespace: "/", ID: 9, Data: []byte(`[]`)}},
		{"python connect without auth", frame(t, kType, "00", kData, "c0", kNSP, vRoot),
			protocol.Packet{Type: protocol.Connect, Namespace: "/", ID: protocol.NoID}},
		{"python disconnect", frame(t, kType, "01", kData, "c0", kNSP, "a22f61"),
			protocol.Packet{Type: protocol.Disconnect, Namespace: "/a", ID: protocol.NoID}},
		{"empty namespace", frame(t, kType, "01", kNSP, "a0"),
			protocol.Packet{Type: protocol.Disconnect, Namespace: "", ID: protocol.NoID}},
		{"connect error string", frame(t, kType, "04", kData, "a26e6f", kNSP, vRoot),
			protocol.Packet{Type: protocol.ConnectError, Namespace: "/", ID: protocol.NoID, Data: []byte(`"no"`)}},
		{"binary in connect data is base64", frame(t, kType, "00", kData, "81a162c403010203", kNSP, vRoot),
			protocol.Packet{Type: protocol.Connect, Namespace: "/", ID: protocol.NoID, Data: []byte(`{"b":"AQID"}`)}},
		{"float event name", frame(t, kType, "02", kData, "91cb3ff8000000000000", kNSP, vRoot),
			protocol.Packet{Type: protocol.Event, Namespace: "/", ID: protocol.NoID, Data: []byte(`[1.5]`)}},
		{"binary ack", frame(t, kType, "03", kData, "91c40109", kNSP, vRoot, kID, "00"),
			protocol.Packet{Type: protocol.BinaryAck, Namespace: "/", ID: 0, Data: []byte(`[{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{9}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := NewDecoder(Limits{}).Decode(c.frame)
			if err != nil {
				t.Fatal(err)
			}
			samePacket(t, p, &c.want)
		})
	}
}

func TestDecodeLimits(t *testing.T) {
	d := NewDecoder(Limits{MaxDepth: 3, MaxNamespaceLen: 2})
	ok := frame(t, kType, "02", kData, "92a16191c0", kNSP, "a22f61") // packet map, data, [nil]: depth 3
	if _, err := d.Decode(ok); err != nil {
		t.Fatal(err)
	}
	for _, f := range [][]byte{
		frame(t, kType, "02", kData, "92a1619191c0", kNSP, vRoot),
		frame(t, kType, "02", kData, "92a16101", kNSP, "a32f6162"),
	} {
		if _, err := d.Decode(f); !errors.Is(err, ErrInvalidPacket) {
			t.Errorf("%x: %v", f, err)
		}
	}
}

// TestDecodeNoAliasing checks that a decoded packet survives the reuse of
// the read buffer.
func TestDecodeNoAliasing(t *testing.T) {
	buf := mustHex(t, golden[7].hex) // event_buffer
	p, err := NewDecoder(Limits{}).Decode(buf)
	if err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = 0
	}
	samePacket(t, p, &golden[7].want)
}

// TestTruncatedFrames decodes every strict prefix of every golden frame.
func TestTruncatedFrames(t *testing.T) {
	for _, g := range golden {
		b := mustHex(t, g.hex)
		for n := range len(b) {
			if _, err := NewDecoder(Limits{}).Decode(b[:n]); !errors.Is(err, ErrInvalidPacket) {
				t.Errorf("%s[:%d]: %v", g.name, n, err)
			}
		}
	}
}

// TestAbsurdLengths checks that headers announcing huge values fail
// without allocating for them.
func TestAbsurdLengths(t *testing.T) {
	for _, v := range []string{"dbffffffff", "c6ffffffff", "ddffffffff", "dfffffffff", "c9ffffffff00", "dcffff", "deffff"} {
		f := frame(t, kType, "02", kData, "92a161"+v+strings.Repeat("c0", 64), kNSP, vRoot)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := NewDecoder(Limits{}).Decode(f)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", v, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
			t.Errorf("%s: allocated %d bytes", v, n)
		}
	}
}
