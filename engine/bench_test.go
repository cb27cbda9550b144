package engine

import (
	"strings"
	"testing"
)

var benchPayload = []byte(`4` + `2["echo",{"user":"bench-user-0042","room":"bench","ts":1700000000123,"flags":[true,false],"text":"` + strings.Repeat("x", 20) + `"}]`)

func BenchmarkDecodePacket(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodePacket(benchPayload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPayloadAssembly measures a polling GET answer of 8 queued
// packets, two of them binary.
func BenchmarkPayloadAssembly(b *testing.B) {
	packets := make([]Packet, 8)
	for i := range packets {
		packets[i] = Packet{Type: Message, Data: benchPayload[1:]}
	}
	packets[3] = Packet{Type: Message, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}, Binary: true}
	packets[6] = packets[3]
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendPayload(buf[:0], packets)
	}
}

func BenchmarkDecodePayload(b *testing.B) {
	packets := make([]Packet, 8)
	for i := range packets {
		packets[i] = Packet{Type: Message, Data: benchPayload[1:]}
	}
	body := AppendPayload(nil, packets)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := DecodePayload(body, func(Packet) error { n++; return nil }); err != nil || n != 8 {
			b.Fatal(err, n)
		}
	}
}

// BenchmarkWebsocketFrames measures assembling the frames of 8 queued
// packets into one write.
func BenchmarkWebsocketFrames(b *testing.B) {
	p := Packet{Type: Message, Data: benchPayload[1:]}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for range 8 {
			buf = appendFrame(buf, p)
		}
	}
}
