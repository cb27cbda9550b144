package protocol

import (
	"encoding/json"
	"testing"
)

// benchEvent is an EVENT with a payload object of about 100 bytes.
const benchEvent = `2["echo",{"id":12345,"user":"alice","text":"hello world, how are you today?","tags":["a","b"],"ok":true}]`

func BenchmarkDecodeEvent(b *testing.B) {
	for _, bc := range []struct{ name, msg string }{
		{"plain", benchEvent},
		{"ack", `212` + benchEvent[1:]},
		{"namespace", `2/chat,7` + benchEvent[1:]},
	} {
		b.Run(bc.name, func(b *testing.B) {
			d := NewDecoder(Limits{})
			msg := []byte(bc.msg)
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := d.DecodeText(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecodeBinaryEvent(b *testing.B) {
	d := NewDecoder(Limits{})
	msg := []byte(`51-["upload",{"name":"f"},{"_placeholder":true,"num":0}]`)
	blob := make([]byte, 1024)
	b.ReportAllocs()
	for b.Loop() {
		d.DecodeText(msg)
		if _, done, err := d.DecodeBinary(blob); !done || err != nil {
			b.Fatal(done, err)
		}
	}
}

func BenchmarkSplitEvent(b *testing.B) {
	data := json.RawMessage(benchEvent[1:])
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := SplitEvent(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeEvent(b *testing.B) {
	type message struct {
		ID   int    `json:"id"`
		User string `json:"user"`
		Text string `json:"text"`
	}
	for _, bc := range []struct {
		name string
		args []any
	}{
		{"scalars", []any{"hello world", 12345, true}},
		{"map", []any{map[string]any{"id": 12345, "user": "alice", "text": "hello world, how are you today?", "ok": true}}},
		{"struct", []any{message{12345, "alice", "hello world, how are you today?"}}},
		{"raw", []any{json.RawMessage(`{"id":12345,"user":"alice","text":"hello world, how are you today?"}`)}},
		{"binary", []any{"file", make([]byte, 1024)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var payload, out []byte
			b.ReportAllocs()
			for b.Loop() {
				var atts [][]byte
				var err error
				payload, atts, err = AppendEvent(payload[:0], "echo", bc.args)
				if err != nil {
					b.Fatal(err)
				}
				p := Packet{Type: Event, Namespace: "/", ID: NoID, Data: payload, Attachments: atts}
				if len(atts) > 0 {
					p.Type = BinaryEvent
				}
				out = AppendPacket(out[:0], &p)
			}
		})
	}
}

func BenchmarkInlineAttachments(b *testing.B) {
	data := json.RawMessage(`["upload",{"name":"f","blob":{"_placeholder":true,"num":0}}]`)
	atts := [][]byte{make([]byte, 1024)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := InlineAttachments(data, atts); err != nil {
			b.Fatal(err)
		}
	}
}
