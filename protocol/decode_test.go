package protocol

import (
	"errors"
	"strings"
	"testing"
)

var (
	bin1234 = []byte{1, 2, 3, 4}
	bin12   = []byte{1, 2}
	bin34   = []byte{3, 4}
	bin123  = []byte{1, 2, 3}
	bin456  = []byte{4, 5, 6}
)

// decodeCases are the examples of protocol.md 2.2–2.8 (without the
// Engine.IO "4" prefix) and a few variations. canon marks the ones that
// AppendPacket reproduces byte for byte.
var decodeCases = []struct {
	in    string
	bins  [][]byte
	want  *Packet
	canon bool
}{
	// 2.2
	{"0", nil, pkt(Connect, "/", NoID, ""), true},
	{`0{"token":"123"}`, nil, pkt(Connect, "/", NoID, `{"token":"123"}`), true},
	{"0/admin,", nil, pkt(Connect, "/admin", NoID, ""), true},
	{`0/admin,{"token":"123"}`, nil, pkt(Connect, "/admin", NoID, `{"token":"123"}`), true},
	{`0{"sid":"wZX3oN0bSVIhsaknAAAI"}`, nil, pkt(Connect, "/", NoID, `{"sid":"wZX3oN0bSVIhsaknAAAI"}`), true},
	{`0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}`, nil, pkt(Connect, "/admin", NoID, `{"sid":"oSO0OpakMV_3jnilAAAA"}`), true},
	{`4{"message":"Not authorized"}`, nil, pkt(ConnectError, "/", NoID, `{"message":"Not authorized"}`), true},
	{"1", nil, pkt(Disconnect, "/", NoID, ""), true},
	{"1/admin,", nil, pkt(Disconnect, "/admin", NoID, ""), true},
	{`2["foo"]`, nil, pkt(Event, "/", NoID, `["foo"]`), true},
	{`2/admin,["bar"]`, nil, pkt(Event, "/admin", NoID, `["bar"]`), true},
	{`212["foo"]`, nil, pkt(Event, "/", 12, `["foo"]`), true},
	{`3/admin,13["bar"]`, nil, pkt(Ack, "/admin", 13, `["bar"]`), true},
	{`51-["baz",` + ph(0) + `]`, [][]byte{bin1234},
		pkt(BinaryEvent, "/", NoID, `["baz",`+ph(0)+`]`, bin1234), true},
	{`52-/admin,["baz",` + ph(0) + `,` + ph(1) + `]`, [][]byte{bin12, bin34},
		pkt(BinaryEvent, "/admin", NoID, `["baz",`+ph(0)+`,`+ph(1)+`]`, bin12, bin34), true},
	{`61-15["bar",` + ph(0) + `]`, [][]byte{bin1234},
		pkt(BinaryAck, "/", 15, `["bar",`+ph(0)+`]`, bin1234), true},
	// 2.3
	{`0/custom,`, nil, pkt(Connect, "/custom", NoID, ""), true},
	{`0/custom`, nil, pkt(Connect, "/custom", NoID, ""), false},
	{`1/custom`, nil, pkt(Disconnect, "/custom", NoID, ""), false},
	{`0/custom,{"sid":"NcI2W_rWMtIjnbCLAAAB"}`, nil, pkt(Connect, "/custom", NoID, `{"sid":"NcI2W_rWMtIjnbCLAAAB"}`), true},
	{`4/random,{"message":"Invalid namespace"}`, nil, pkt(ConnectError, "/random", NoID, `{"message":"Invalid namespace"}`), true},
	{`4/admin,{"message":"not authorized","data":{"code":42}}`, nil,
		pkt(ConnectError, "/admin", NoID, `{"message":"not authorized","data":{"code":42}}`), true},
	{`4"not authorized"`, nil, pkt(ConnectError, "/", NoID, `"not authorized"`), true},
	// 2.4, 2.5
	{`2["hey","Jude"]`, nil, pkt(Event, "/", NoID, `["hey","Jude"]`), true},
	{`2456["message-with-ack",1,"2",{"3":[false]}]`, nil,
		pkt(Event, "/", 456, `["message-with-ack",1,"2",{"3":[false]}]`), true},
	{`3456[1,"2",{"3":[false]}]`, nil, pkt(Ack, "/", 456, `[1,"2",{"3":[false]}]`), true},
	{`3456[]`, nil, pkt(Ack, "/", 456, `[]`), true},
	{`52-789["message-with-ack",` + ph(0) + `,` + ph(1) + `]`, [][]byte{bin123, bin456},
		pkt(BinaryEvent, "/", 789, `["message-with-ack",`+ph(0)+`,`+ph(1)+`]`, bin123, bin456), true},
	{`62-789[` + ph(0) + `,` + ph(1) + `]`, [][]byte{bin123, bin456},
		pkt(BinaryAck, "/", 789, `[`+ph(0)+`,`+ph(1)+`]`, bin123, bin456), true},
	{`51-0["hello",1,` + ph(0) + `]`, [][]byte{bin123},
		pkt(BinaryEvent, "/", 0, `["hello",1,`+ph(0)+`]`, bin123), true},
	{`30[{"ok":true,"got":[1,true]}]`, nil, pkt(Ack, "/", 0, `[{"ok":true,"got":[1,true]}]`), true},
	// 2.6, 2.8
	{`51-["message",` + ph(0) + `]`, [][]byte{bin123}, pkt(BinaryEvent, "/", NoID, `["message",`+ph(0)+`]`, bin123), true},
	{`50-["x"]`, nil, pkt(BinaryEvent, "/", NoID, `["x"]`), true},
	{`60-[]`, nil, pkt(BinaryAck, "/", NoID, `[]`), true},
	{`2/admin,1["tellme"]`, nil, pkt(Event, "/admin", 1, `["tellme"]`), true},
	{`61-/admin,1[` + ph(0) + `]`, [][]byte{{}}, pkt(BinaryAck, "/admin", 1, `[`+ph(0)+`]`, []byte{}), true},
	// Variations.
	{`0/admin?token=1,`, nil, pkt(Connect, "/admin", NoID, ""), false},
	{`0/admin?token=1,{"a":1}`, nil, pkt(Connect, "/admin", NoID, `{"a":1}`), false},
	{`0/,`, nil, pkt(Connect, "/", NoID, ""), false},
	{"2 [ \"a\" ,\t1 ]\n", nil, pkt(Event, "/", NoID, `[ "a" ,`+"\t"+`1 ]`), false},
	{`2[1,"x"]`, nil, pkt(Event, "/", NoID, `["1","x"]`), false},
	{`2[ 1.50 ]`, nil, pkt(Event, "/", NoID, `[ "1.5" ]`), false},
	{`2["conn\u0065ctx"]`, nil, pkt(Event, "/", NoID, `["conn\u0065ctx"]`), true},
	{`2["Connect"]`, nil, pkt(Event, "/", NoID, `["Connect"]`), true},
	{`2007["a"]`, nil, pkt(Event, "/", 7, `["a"]`), false},
	{`2999999999999999999["a"]`, nil, pkt(Event, "/", 999999999999999999, `["a"]`), true},
	{`500-["a"]`, nil, pkt(BinaryEvent, "/", NoID, `["a"]`), false},
	{`510-["a"]`, make([][]byte, 10), pkt(BinaryEvent, "/", NoID, `["a"]`, make([][]byte, 10)...), true},
	{"0/" + strings.Repeat("n", 255) + ",", nil, pkt(Connect, "/"+strings.Repeat("n", 255), NoID, ""), true},
	{`0/ünï,`, nil, pkt(Connect, "/ünï", NoID, ""), true},
}

func TestDecodeText(t *testing.T) {
	for _, tc := range decodeCases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := decodeAll(tc.in, tc.bins...)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !samePacket(got, tc.want) {
				t.Fatalf("decode:\n got %s\nwant %s", show(got), show(tc.want))
			}
			if tc.canon {
				if enc := string(AppendPacket(nil, got)); enc != tc.in {
					t.Fatalf("encode: got %q, want %q", enc, tc.in)
				}
			}
		})
	}
}

func TestDecodeTextInvalid(t *testing.T) {
	tests := []struct{ in, why string }{
		{"", "empty packet"},
		{"abc", "unknown packet type 'a'"},
		{"7", "unknown packet type '7'"},
		{"-1", "unknown packet type '-'"},
		{`2{}`, "EVENT payload is not an array"},
		{`2[]`, "EVENT payload is an empty array"},
		{`2 [ ]`, "EVENT payload is an empty array"},
		{`2abc["foo"]`, "not valid JSON"},
		{`2"x"`, "EVENT payload is not an array"},
		{`2`, "EVENT packet without a payload"},
		{`2/admin,`, "EVENT packet without a payload"},
		{`2/admin["x"]`, "EVENT packet without a payload"},
		{`2[true]`, "neither a string nor a number"},
		{`2[null,1]`, "neither a string nor a number"},
		{`2[{}]`, "neither a string nor a number"},
		{`2[["a"]]`, "neither a string nor a number"},
		{`2["a",]`, "not valid JSON"},
		{`2["a"]x`, "not valid JSON"},
		{`2["a"`, "not valid JSON"},
		{`2["a\x01"]`, "not valid JSON"},
		{`2[01]`, "not valid JSON"},
		{`2["connect"]`, "reserved event name"},
		{`2["connect_error"]`, "reserved event name"},
		{`2["disconnect",1]`, "reserved event name"},
		{`2["disconnecting"]`, "reserved event name"},
		{`2["newListener"]`, "reserved event name"},
		{`2/admin,5["removeListener"]`, "reserved event name"},
		{`2["conn\u0065ct"]`, "reserved event name"},
		{`51-["disconnect",` + ph(0) + `]`, "reserved event name"},
		{`1{"x":1}`, "DISCONNECT packet with a payload"},
		{`1/admin,{}`, "DISCONNECT packet with a payload"},
		{`1 `, "DISCONNECT packet with a payload"},
		{`0[]`, "CONNECT payload is not an object"},
		{`0"x"`, "CONNECT payload is not an object"},
		{`0 `, "not valid JSON"},
		{`0{"a":}`, "not valid JSON"},
		{`3`, "ACK packet without a payload"},
		{`3{}`, "ACK payload is not an array"},
		{`61-{}`, "BINARY_ACK payload is not an array"},
		{`4`, "CONNECT_ERROR packet without a payload"},
		{`4[]`, "CONNECT_ERROR payload is neither"},
		{`41`, "CONNECT_ERROR packet without a payload"},
		{`5x-["a"]`, "without an attachment count"},
		{`5-["a"]`, "without an attachment count"},
		{`5["a"]`, "without an attachment count"},
		{`51["a"]`, "not followed by '-'"},
		{`51`, "not followed by '-'"},
		{`511-["a"]`, "more than 10 attachments"},
		{`599999999999999999999999999-["a"]`, "more than 10 attachments"},
		{`21234567890123456789["a"]`, "longer than 18 digits"},
		{"0/" + strings.Repeat("n", 256) + ",", "namespace longer than 256 bytes"},
		{"2[" + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + "]", "nested too deeply"},
	}
	for _, tc := range tests {
		t.Run(tc.in[:min(len(tc.in), 40)], func(t *testing.T) {
			p, done, err := NewDecoder(Limits{}).DecodeText([]byte(tc.in))
			if err == nil {
				t.Fatalf("got %s (done %v), want error %q", show(p), done, tc.why)
			}
			if !errors.Is(err, ErrInvalidPacket) || !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("got error %q, want ErrInvalidPacket saying %q", err, tc.why)
			}
		})
	}
}

func TestDecoderLimits(t *testing.T) {
	d := NewDecoder(Limits{MaxAttachments: 2, MaxNamespaceLen: 3})
	if _, _, err := d.DecodeText([]byte(`53-["a"]`)); !errors.Is(err, ErrInvalidPacket) {
		t.Errorf("3 attachments with a limit of 2: err = %v", err)
	}
	if _, err := decodeWith(d, `52-["a"]`, nil, nil); err != nil {
		t.Errorf("2 attachments with a limit of 2: %v", err)
	}
	if _, _, err := d.DecodeText([]byte(`0/abcd,`)); !errors.Is(err, ErrInvalidPacket) {
		t.Errorf("namespace of 4 bytes with a limit of 3: err = %v", err)
	}
	if _, err := decodeWith(d, `0/ab?query=long,`); err != nil {
		t.Errorf("namespace of 3 bytes plus query with a limit of 3: %v", err)
	}
	d = NewDecoder(Limits{MaxAttachmentBytes: 10})
	if _, err := decodeWith(d, `52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, make([]byte, 5), make([]byte, 5)); err != nil {
		t.Errorf("attachments of 10 bytes with a limit of 10: %v", err)
	}
	d.DecodeText([]byte(`52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`))
	d.DecodeBinary(make([]byte, 6))
	if _, _, err := d.DecodeBinary(make([]byte, 5)); !errors.Is(err, ErrInvalidPacket) {
		t.Errorf("attachments of 11 bytes with a limit of 10: err = %v", err)
	}
	if _, err := decodeWith(d, `2["after"]`); err != nil {
		t.Errorf("the decoder after refusing attachments: %v", err)
	}
}

func TestDecoderAttachmentState(t *testing.T) {
	d := NewDecoder(Limits{})
	// A binary message when none is expected.
	if _, _, err := d.DecodeBinary(bin123); !errors.Is(err, ErrInvalidPacket) {
		t.Fatalf("binary with nothing pending: err = %v", err)
	}
	// A text message while attachments are pending.
	if p, done, err := d.DecodeText([]byte(`52-["a",` + ph(0) + `,` + ph(1) + `]`)); p != nil || done || err != nil {
		t.Fatalf("binary header: %s %v %v", show(p), done, err)
	}
	if p, done, err := d.DecodeBinary(bin123); p != nil || done || err != nil {
		t.Fatalf("first attachment: %s %v %v", show(p), done, err)
	}
	_, _, err := d.DecodeText([]byte(`2["a"]`))
	if !errors.Is(err, ErrInvalidPacket) || !strings.Contains(err.Error(), "1 binary attachment(s) are pending") {
		t.Fatalf("text while pending: err = %v", err)
	}
	// The error reset the decoder.
	if _, _, err := d.DecodeBinary(bin123); !errors.Is(err, ErrInvalidPacket) {
		t.Fatalf("binary after reset: err = %v", err)
	}
	if _, err := decodeWith(d, `2["a"]`); err != nil {
		t.Fatalf("text after reset: %v", err)
	}
	// Reset drops a pending packet.
	d.DecodeText([]byte(`51-["a",` + ph(0) + `]`))
	d.Reset()
	if _, err := decodeWith(d, `2["a"]`); err != nil {
		t.Fatalf("text after Reset: %v", err)
	}
}

func TestDecodeDoesNotAlias(t *testing.T) {
	msg := []byte(`51-/admin,["a",` + ph(0) + `]`)
	bin := []byte{1, 2, 3}
	d := NewDecoder(Limits{})
	d.DecodeText(msg)
	p, done, err := d.DecodeBinary(bin)
	if !done || err != nil {
		t.Fatal(done, err)
	}
	for i := range msg {
		msg[i] = 'X'
	}
	bin[0] = 9
	want := pkt(BinaryEvent, "/admin", NoID, `["a",`+ph(0)+`]`, []byte{1, 2, 3})
	if !samePacket(p, want) {
		t.Fatalf("after overwriting the buffers: got %s, want %s", show(p), show(want))
	}
}

func TestDecodeAllocs(t *testing.T) {
	d := NewDecoder(Limits{})
	for _, msg := range []string{
		`2["echo",{"id":1,"text":"hello world, this is a message of about one hundred bytes","ok":true}]`,
		`212["echo",{"id":1,"text":"hello world"}]`,
		`2/admin,7["connect_errorx",1]`,
	} {
		b := []byte(msg)
		n := testing.AllocsPerRun(100, func() {
			if _, _, err := d.DecodeText(b); err != nil {
				t.Fatal(err)
			}
		})
		if n > 2 {
			t.Errorf("DecodeText(%s): %v allocs, want at most 2", msg, n)
		}
	}
}
