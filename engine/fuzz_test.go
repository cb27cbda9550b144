package engine

import (
	"bytes"
	"errors"
	"testing"
)

// packetSeeds are wire forms of every packet type, binary messages and
// malformed inputs.
var packetSeeds = []string{
	"0", `0{"sid":"abc","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000}`,
	"1", "2", "3", "2probe", "3probe", "4", "4hello", `42["message",1,"2",{"3":[false]}]`,
	"5", "6", "b", "bAQIDBA==", "bAQID", "b====", "b!!", "bAQ\nIDBA==", "7", "9x", "", "\xff",
	"4\x00\xff\xfe", "4é",
}

// payloadSeeds are polling bodies: batches, trailing and doubled separators,
// mixed binary.
var payloadSeeds = []string{
	"", "4hello\x1e4world\x1ebAQIDBA==", "4hello\x1e2\x1e4world", "2\x1e3\x1e6", "\x1e", "4a\x1e",
	"\x1e4a", "4a\x1e\x1e4b", "40\x1e42[\"x\"]", "bAQID\x1e451-[\"m\",{\"_placeholder\":true,\"num\":0}]",
	"4a\x1e9", "b=\x1e4a",
}

func samePacket(a, b Packet) bool {
	return a.Type == b.Type && a.Binary == b.Binary && bytes.Equal(a.Data, b.Data)
}

// FuzzDecodePacket checks decode → encode → decode: whatever DecodePacket
// accepts re-encodes to a form that decodes to the same packet, and text
// packets re-encode byte for byte. Rejections wrap ErrParse.
func FuzzDecodePacket(f *testing.F) {
	for _, s := range packetSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		orig := bytes.Clone(in)
		p, err := DecodePacket(in)
		if !bytes.Equal(in, orig) {
			t.Fatalf("DecodePacket changed its input %q → %q", orig, in)
		}
		if err != nil {
			if !errors.Is(err, ErrParse) {
				t.Fatalf("error %v does not wrap ErrParse", err)
			}
			return
		}
		if p.Type < Open || p.Type > Noop {
			t.Fatalf("accepted packet type %q", byte(p.Type))
		}
		enc := AppendPacket(nil, p)
		if !p.Binary && !bytes.Equal(enc, in) {
			t.Fatalf("text packet %q re-encoded as %q", in, enc)
		}
		q, err := DecodePacket(enc)
		if err != nil {
			t.Fatalf("re-decoding %q (from %q): %v", enc, in, err)
		}
		if !samePacket(p, q) {
			t.Fatalf("round trip of %q: %+v then %+v", in, p, q)
		}
	})
}

// FuzzDecodePayload checks decode → encode → decode on polling bodies:
// the packets DecodePayload yields re-encode, with AppendPayload, to a body
// that decodes to the same packets, and that body is stable from then on.
func FuzzDecodePayload(f *testing.F) {
	for _, s := range payloadSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var first []Packet
		err := DecodePayload(in, func(p Packet) error {
			first = append(first, Packet{Type: p.Type, Data: bytes.Clone(p.Data), Binary: p.Binary})
			return nil
		})
		if err != nil {
			if !errors.Is(err, ErrParse) {
				t.Fatalf("error %v does not wrap ErrParse", err)
			}
			return
		}
		for _, p := range first {
			if !p.Binary && bytes.IndexByte(p.Data, payloadSeparator) >= 0 {
				t.Fatalf("packet %q of %q holds a separator", p.Data, in)
			}
		}
		enc := AppendPayload(nil, first)
		var second []Packet
		if err := DecodePayload(enc, func(p Packet) error { second = append(second, p); return nil }); err != nil {
			t.Fatalf("re-decoding %q (from %q): %v", enc, in, err)
		}
		if len(first) != len(second) {
			t.Fatalf("%q: %d packets, re-decoded %d", in, len(first), len(second))
		}
		for i := range first {
			if !samePacket(first[i], second[i]) {
				t.Fatalf("%q packet %d: %+v then %+v", in, i, first[i], second[i])
			}
		}
		if again := AppendPayload(nil, second); !bytes.Equal(again, enc) {
			t.Fatalf("encoding not stable: %q then %q", enc, again)
		}
	})
}

// TestDecodePayloadStopsAtFirstError checks that packets before an invalid
// one are delivered and nothing after it.
func TestDecodePayloadStopsAtFirstError(t *testing.T) {
	tests := []struct {
		body string
		want []string
		ok   bool
	}{
		{"4a\x1e4b", []string{"4a", "4b"}, true},
		{"4a\x1e9x\x1e4b", []string{"4a"}, false},
		{"4a\x1e\x1e4b", []string{"4a"}, false},
		{"4a\x1eb!!\x1e4b", []string{"4a"}, false},
		{"bAQID\x1e4b", []string{"bAQID", "4b"}, true},
	}
	for _, tt := range tests {
		var got []string
		err := DecodePayload([]byte(tt.body), func(p Packet) error {
			got = append(got, string(AppendPacket(nil, p)))
			return nil
		})
		if (err == nil) != tt.ok || len(got) != len(tt.want) {
			t.Fatalf("%q: got %q, %v", tt.body, got, err)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Fatalf("%q: got %q, want %q", tt.body, got, tt.want)
			}
		}
	}
}
