package msgpack

import (
	"testing"

	"github.com/socketeer/socketeer/protocol"
)

// benchText is the protocol package's benchmark EVENT (about 100 bytes of
// payload), in the JSON parser's text form.
const benchText = `2["echo",{"id":12345,"user":"alice","text":"hello world, how are you today?","tags":["a","b"],"ok":true}]`

// benchArgs are the args of benchText as a handler passes them.
var benchArgs = []any{map[string]any{"id": 12345, "user": "alice", "text": "hello world, how are you today?", "tags": []any{"a", "b"}, "ok": true}}

type benchMsg struct {
	ID   int      `json:"id"`
	User string   `json:"user"`
	Text string   `json:"text"`
	Tags []string `json:"tags"`
	OK   bool     `json:"ok"`
}

var benchStruct = []any{benchMsg{12345, "alice", "hello world, how are you today?", []string{"a", "b"}, true}}

// benchFrame is the msgpack frame of the same packet.
func benchFrame(b *testing.B) []byte {
	f, err := AppendEvent(nil, "/", protocol.NoID, "echo", benchArgs)
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkDecodeEvent decodes the same EVENT with each parser, then
// splits it into name and raw args as the router does.
func BenchmarkDecodeEvent(b *testing.B) {
	b.Run("json", func(b *testing.B) {
		d := protocol.NewDecoder(protocol.Limits{})
		msg := []byte(benchText)
		b.ReportAllocs()
		for b.Loop() {
			p, _, err := d.DecodeText(msg)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := protocol.SplitEvent(p.Data); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(msg)+1), "wire-bytes") // with the Engine.IO "4"
	})
	b.Run("msgpack", func(b *testing.B) {
		d := NewDecoder(Limits{})
		frame := benchFrame(b)
		b.ReportAllocs()
		for b.Loop() {
			p, err := d.Decode(frame)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := protocol.SplitEvent(p.Data); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(frame)), "wire-bytes")
	})
}

// BenchmarkDecodeBinaryEvent decodes an EVENT carrying 1 KiB of binary:
// one text and one binary message with the JSON parser, one frame with
// msgpack.
func BenchmarkDecodeBinaryEvent(b *testing.B) {
	blob := make([]byte, 1024)
	b.Run("json", func(b *testing.B) {
		d := protocol.NewDecoder(protocol.Limits{})
		msg := []byte(`51-["upload",{"name":"f"},{"_placeholder":true,"num":0}]`)
		b.ReportAllocs()
		for b.Loop() {
			d.DecodeText(msg)
			if _, done, err := d.DecodeBinary(blob); !done || err != nil {
				b.Fatal(done, err)
			}
		}
	})
	b.Run("msgpack", func(b *testing.B) {
		d := NewDecoder(Limits{})
		frame, _ := AppendEvent(nil, "/", protocol.NoID, "upload", []any{map[string]any{"name": "f"}, blob})
		b.ReportAllocs()
		for b.Loop() {
			if _, err := d.Decode(frame); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEncodeEvent encodes the same EVENT from Go values: the JSON
// parser's text, msgpack directly (AppendEvent), and msgpack through the
// JSON packet (AppendPacket, the broadcast path from a parser-neutral
// packet).
func BenchmarkEncodeEvent(b *testing.B) {
	for _, c := range []struct {
		name string
		args []any
	}{
		{"map", benchArgs},
		{"struct", benchStruct},
		{"scalars", []any{"hello world", 12345, true}},
		{"binary", []any{"file", make([]byte, 1024)}},
	} {
		b.Run(c.name+"/json", func(b *testing.B) {
			var payload, out []byte
			b.ReportAllocs()
			for b.Loop() {
				var atts [][]byte
				var err error
				if payload, atts, err = protocol.AppendEvent(payload[:0], "echo", c.args); err != nil {
					b.Fatal(err)
				}
				p := protocol.Packet{Type: protocol.Event, Namespace: "/", ID: protocol.NoID, Data: payload, Attachments: atts}
				if len(atts) > 0 {
					p.Type = protocol.BinaryEvent
				}
				out = protocol.AppendPacket(out[:0], &p)
			}
		})
		b.Run(c.name+"/msgpack", func(b *testing.B) {
			var out []byte
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if out, err = AppendEvent(out[:0], "/", protocol.NoID, "echo", c.args); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/msgpack-from-json", func(b *testing.B) {
			payload, atts, _ := protocol.AppendEvent(nil, "echo", c.args)
			p := protocol.Packet{Type: protocol.Event, Namespace: "/", ID: protocol.NoID, Data: payload, Attachments: atts}
			var out []byte
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if out, err = AppendPacket(out[:0], &p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeValue compares Decode with what the JSON path does for
// an any parameter (protocol.Reconstruct).
func BenchmarkDecodeValue(b *testing.B) {
	text, _, _ := protocol.AppendArgs(nil, benchArgs)
	data, _ := Append(nil, benchArgs)
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := protocol.Reconstruct(text, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("msgpack", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Decode(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
