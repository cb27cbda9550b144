package trace_test

import (
	"testing"

	"github.com/socketeer/socketeer/debug"
	"github.com/socketeer/socketeer/internal/trace"
)

var benchPacket = trace.Packet{
	Dir: trace.In, SocketID: "Xq3pYz", EngineID: "k2M9aQ", Namespace: "/chat", Kind: "EVENT",
	Event: "send_message", AckID: 12, Args: []byte(`[{"room":"lobby","text":"hello, world"}]`),
}

// BenchmarkPacketOn measures tracing a packet in JSON mode.
func BenchmarkPacketOn(b *testing.B) {
	tr := trace.New(debug.Options{Output: discard{}, JSON: true})
	b.ReportAllocs()
	for b.Loop() {
		tr.Packet(&benchPacket)
	}
}

// BenchmarkPacketConsole measures tracing a packet in the console format.
func BenchmarkPacketConsole(b *testing.B) {
	tr := trace.New(debug.Options{Output: discard{}})
	b.ReportAllocs()
	for b.Loop() {
		tr.Packet(&benchPacket)
	}
}

// BenchmarkPacketOff measures the cost of a tracer that is switched off.
func BenchmarkPacketOff(b *testing.B) {
	var tr *trace.Tracer
	b.ReportAllocs()
	for b.Loop() {
		tr.Packet(&benchPacket)
	}
}
