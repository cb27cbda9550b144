package msgpack

import (
	"bytes"
	"strings"
	"testing"

	"github.com/socketeer/socketeer/protocol"
)

// addSeeds adds the golden frames and a few odd ones to the corpus.
func addSeeds(f *testing.F) {
	for _, g := range golden {
		f.Add(mustHex(f, g.hex))
	}
	for _, h := range []string{"", "c0", "80", "dfffffffff", "d40000", "d7000000018f34069e05", "c70cff000f4240ffffffffffffffff",
		"83a47479706502a46461746192a161d5050102a36e7370a12f"} {
		f.Add(mustHex(f, h))
	}
}

// FuzzDecode checks decode → encode → decode on packets: whatever Decode
// accepts, AppendPacket encodes and Decode gives back unchanged.
func FuzzDecode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := NewDecoder(Limits{}).Decode(b)
		if err != nil {
			return
		}
		if strings.Count(string(p.Data), `"_placeholder"`) != len(p.Attachments) {
			return // a literal placeholder object is data in msgpack, not a binary
		}
		frame, err := AppendPacket(nil, p)
		if err != nil {
			t.Fatalf("AppendPacket(%+v): %v", p, err)
		}
		q, err := NewDecoder(Limits{}).Decode(frame)
		if err != nil {
			t.Fatalf("decode of %x (from %x): %v", frame, b, err)
		}
		if q.Type != p.Type || q.Namespace != p.Namespace || q.ID != p.ID || !bytes.Equal(q.Data, p.Data) ||
			len(q.Attachments) != len(p.Attachments) {
			t.Fatalf("round trip of %x:\n got %+v\nwant %+v", b, q, p)
		}
		for i := range p.Attachments {
			if !bytes.Equal(q.Attachments[i], p.Attachments[i]) {
				t.Fatalf("attachment %d differs", i)
			}
		}
		if _, err := protocol.InlineAttachments(p.Data, p.Attachments); len(p.Data) > 0 && err != nil {
			t.Fatalf("router cannot inline the attachments of %s: %v", p.Data, err)
		}
	})
}

// FuzzAppendJSON checks msgpack → JSON → msgpack → JSON on single values,
// and that Decode agrees with the JSON path.
func FuzzAppendJSON(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		text, atts, err := AppendJSON(nil, b)
		if err != nil {
			if _, err2 := Decode(b); err2 == nil {
				t.Fatalf("Decode accepts %x that AppendJSON refuses: %v", b, err)
			}
			return
		}
		if strings.Count(string(text), `"_placeholder"`) != len(atts) {
			return
		}
		m, err := AppendFromJSON(nil, text, atts)
		if err != nil {
			t.Fatalf("AppendFromJSON(%s): %v", text, err)
		}
		text2, atts2, err := AppendJSON(nil, m)
		if err != nil || !bytes.Equal(text, text2) || len(atts) != len(atts2) {
			t.Fatalf("round trip of %x:\n got %s, %v\nwant %s", b, text2, err, text)
		}
		checkDecode(t, b)
	})
}

// FuzzAppendFromJSON checks JSON → msgpack → JSON on any JSON text the
// transcoder accepts: the result is valid JSON that transcodes to the
// same bytes.
func FuzzAppendFromJSON(f *testing.F) {
	for _, s := range []string{`null`, `[1,-2,3.5,"x",{"a":[true,false]}]`, `"\ud83d\ude00\u0000"`, `1e400`, `-0`, `18446744073709551616`,
		`{"_placeholder":true,"num":0}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := AppendFromJSON(nil, data, nil)
		if err != nil {
			return
		}
		text, _, err := AppendJSON(nil, m)
		if err != nil {
			t.Fatalf("AppendJSON(%x) from %q: %v", m, data, err)
		}
		m2, err := AppendFromJSON(nil, text, nil)
		if err != nil {
			t.Fatalf("AppendFromJSON(%s): %v", text, err)
		}
		text2, _, _ := AppendJSON(nil, m2)
		if !bytes.Equal(text, text2) {
			t.Fatalf("%q: %s then %s", data, text, text2)
		}
	})
}

// FuzzMaybeAck checks that MaybeAck never misses an ACK that Decode
// accepts: the reader lets acknowledgements overtake the event queue by
// it, and one it missed would wait behind the handler expecting it.
func FuzzMaybeAck(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		maybe := MaybeAck(b)
		p, err := NewDecoder(Limits{}).Decode(b)
		if err == nil && (p.Type == protocol.Ack || p.Type == protocol.BinaryAck) && !maybe {
			t.Fatalf("MaybeAck(%x) = false for an ACK", b)
		}
	})
}
