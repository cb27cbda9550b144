package protocol

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzDecodeText checks that decoding never panics, that what decodes is
// well formed, and that decode → encode → decode gives the same packet.
func FuzzDecodeText(f *testing.F) {
	for _, tc := range decodeCases {
		f.Add([]byte(tc.in), []byte{1, 2, 3})
	}
	for _, s := range []string{`2{}`, `2[]`, `2abc["x"]`, `2"x"`, `abc`, `2["connect"]`, `1{"x":1}`,
		`5x-["a"]`, `511-["a"]`, `2[1e400,{"a":[1,2,{"b":null}]}]`, `0/a?b,c,{}`, `2/,0[-0]`} {
		f.Add([]byte(s), []byte(nil))
	}
	f.Fuzz(func(t *testing.T, msg, blob []byte) {
		buf := bytes.Clone(msg)
		p, err := decodeFuzz(buf, blob)
		if err != nil {
			if !errors.Is(err, ErrInvalidPacket) {
				t.Fatalf("error %v does not wrap ErrInvalidPacket", err)
			}
			return
		}
		for i := range buf {
			buf[i] ^= 0xff // the packet must not alias the message
		}
		checkPacket(t, p)
		enc := AppendPacket(nil, p)
		p2, err := decodeFuzz(enc, blob)
		if err != nil {
			t.Fatalf("%q decoded to %s, which encodes to %q, which does not decode: %v", msg, show(p), enc, err)
		}
		if !samePacket(p, p2) {
			t.Fatalf("%q decoded to %s, encoded to %q, decoded to %s", msg, show(p), enc, show(p2))
		}
		if enc2 := AppendPacket(nil, p2); !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not stable: %q then %q", enc, enc2)
		}
	})
}

// decodeFuzz decodes msg, giving it as many attachments (variants of blob)
// as it asks for.
func decodeFuzz(msg, blob []byte) (*Packet, error) {
	d := NewDecoder(Limits{})
	p, done, err := d.DecodeText(msg)
	for i := 0; err == nil && !done; i++ {
		if i > 10 {
			panic("more than MaxAttachments attachments accepted")
		}
		p, done, err = d.DecodeBinary(append(bytes.Clone(blob), byte(i)))
	}
	return p, err
}

// checkPacket checks the invariants of a decoded packet.
func checkPacket(t *testing.T, p *Packet) {
	t.Helper()
	if p.Type > BinaryAck || p.Namespace == "" || p.Namespace[0] != '/' || p.ID < NoID {
		t.Fatalf("bad header in %s", show(p))
	}
	if p.Data != nil && !json.Valid(p.Data) {
		t.Fatalf("invalid JSON payload in %s", show(p))
	}
	switch p.Type {
	case Event, BinaryEvent:
		name, _, err := SplitEvent(p.Data)
		elems, _ := SplitArray(p.Data)
		if err != nil || ReservedEvent(name) || elems[0][0] != '"' {
			t.Fatalf("bad event payload in %s: %q %v", show(p), name, err)
		}
	case Ack, BinaryAck:
		if _, err := SplitArray(p.Data); err != nil {
			t.Fatalf("bad ack payload in %s: %v", show(p), err)
		}
	case Disconnect:
		if p.Data != nil {
			t.Fatalf("DISCONNECT with a payload: %s", show(p))
		}
	}
}

// FuzzSplitEvent checks SplitEvent and SplitArray against encoding/json,
// the scanner against json.Valid and appendString against encoding/json.
func FuzzSplitEvent(f *testing.F) {
	for _, s := range jsonSamples[:len(jsonSamples)-4] {
		f.Add([]byte(s))
	}
	for _, s := range []string{`["foo"]`, `["a",1,"2",{"3":[false]}]`, `[1.5e3,"x"]`, `["a\u00e9\"",[1,{"b":2}]]`, "[\"\xff\"]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkScanner(t, data)
		checkAppendString(t, string(data))

		var want []json.RawMessage
		isArray := json.Unmarshal(data, &want) == nil && data[skipSpace(data, 0)] == '['
		elems, err := SplitArray(data)
		if (err == nil) != isArray {
			t.Fatalf("SplitArray(%q): err = %v, json.Unmarshal says array: %v", data, err, isArray)
		}
		if err != nil {
			return
		}
		if len(elems) != len(want) {
			t.Fatalf("SplitArray(%q) = %q, want %q", data, elems, want)
		}
		for i := range elems {
			if !bytes.Equal(elems[i], want[i]) {
				t.Fatalf("SplitArray(%q) = %q, want %q", data, elems, want)
			}
		}
		name, args, err := SplitEvent(data)
		if len(want) == 0 || want[0][0] != '"' && want[0][0] != '-' && !isDigit(want[0][0]) {
			if err == nil {
				t.Fatalf("SplitEvent(%q) accepted name %q", data, name)
			}
			return
		}
		if err != nil || len(args) != len(want)-1 {
			t.Fatalf("SplitEvent(%q) = %q, %q, %v", data, name, args, err)
		}
		var s string
		if want[0][0] == '"' && (json.Unmarshal(want[0], &s) != nil || s != name) {
			t.Fatalf("SplitEvent(%q) name = %q, want %q", data, name, s)
		}
	})
}

// FuzzInlineAttachments checks InlineAttachments against Reconstruct:
// both fail or both give the same value, attachments as base64 strings.
func FuzzInlineAttachments(f *testing.F) {
	for _, tc := range placeholderErrors[:len(placeholderErrors)-1] {
		f.Add([]byte(tc.in), uint8(2))
	}
	for _, s := range []string{`["baz",` + ph(0) + `]`, `[{"num":1,"_placeholder":true},{"a":` + ph(0) + `}]`,
		`[{"_placeholder":true,"num":0,"x":{"_placeholder":true,"num":0}}]`, `{"\u005fplaceholder":true,"num":1e0}`} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		atts := make([][]byte, n%5)
		for i := range atts {
			atts[i] = bytes.Repeat([]byte{byte(i)}, i)
		}
		out, errI := InlineAttachments(data, atts)
		r, errR := Reconstruct(data, atts)
		for _, err := range []error{errI, errR} {
			if err != nil && !errors.Is(err, ErrInvalidPacket) {
				t.Fatalf("error %v does not wrap ErrInvalidPacket", err)
			}
		}
		var v any
		if errI == nil {
			errI = json.Unmarshal(out, &v)
		}
		if (errI == nil) != (errR == nil) {
			t.Fatalf("data %q: InlineAttachments → %q, %v; Reconstruct → %v", data, out, errI, errR)
		}
		if errI == nil && !reflect.DeepEqual(v, blobsToBase64(r)) {
			t.Fatalf("data %q: InlineAttachments → %#v; Reconstruct → %#v", data, v, r)
		}
	})
}

// blobsToBase64 replaces the []byte in v by their base64 strings.
func blobsToBase64(v any) any {
	switch v := v.(type) {
	case []byte:
		return base64.StdEncoding.EncodeToString(v)
	case []any:
		for i, e := range v {
			v[i] = blobsToBase64(e)
		}
	case map[string]any:
		for k, e := range v {
			v[k] = blobsToBase64(e)
		}
	}
	return v
}
