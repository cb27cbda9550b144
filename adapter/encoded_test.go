package adapter

import (
	"bytes"
	"sync"
	"testing"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/protocol"
)

// TestFramesAs checks that another parser's frames are built once per
// Encoded, from the packet, and shared by concurrent recipients; and
// that an Encoded not made by Encode is decoded from its text form.
func TestFramesAs(t *testing.T) {
	p := &protocol.Packet{Type: protocol.BinaryEvent, Namespace: "/", ID: protocol.NoID,
		Data: []byte(`["x",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{1, 2}}}
	var builds sync.Mutex
	n := 0
	build := func(q *protocol.Packet) ([]engine.Packet, error) {
		builds.Lock()
		n++
		builds.Unlock()
		data := append(protocol.AppendPacket([]byte("alt:"), q), q.Attachments[0]...)
		return []engine.Packet{{Type: engine.Message, Data: data, Binary: true}}, nil
	}
	e := Encode(p)
	first, err := e.FramesAs("alt", build)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got, err := e.FramesAs("alt", build); err != nil || &got[0] != &first[0] {
				t.Errorf("FramesAs built again (%v)", err)
			}
		})
	}
	wg.Wait()
	want := "alt:" + string(e.Text) + "\x01\x02"
	if n != 1 || string(first[0].Data) != want {
		t.Fatalf("%d builds, frame %q, want one build of %q", n, first[0].Data, want)
	}

	lit := &Encoded{Text: e.Text, Attachments: e.Attachments}
	got, err := lit.FramesAs("alt", build)
	if err != nil || !bytes.Equal(got[0].Data, first[0].Data) {
		t.Fatalf("from the text form: %q, %v; want %q", got[0].Data, err, first[0].Data)
	}
	if _, err := (&Encoded{Text: []byte("2x")}).FramesAs("alt", build); err == nil {
		t.Fatal("an invalid text form was encoded")
	}
}

// TestEncodeKeepsNoData checks that Encode copies the packet's data: the
// caller may reuse its buffer at once (SendAckRaw builds acks in a pooled
// one), and FramesAs still builds from what was encoded.
func TestEncodeKeepsNoData(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    protocol.Packet
	}{
		{"ack", protocol.Packet{Type: protocol.Ack, Namespace: "/", ID: 7, Data: []byte(`[{"a":1},"b"]`)}},
		{"event in a namespace", protocol.Packet{Type: protocol.Event, Namespace: "/chat", ID: protocol.NoID, Data: []byte(`["x",2]`)}},
		{"no data", protocol.Packet{Type: protocol.Connect, Namespace: "/", ID: protocol.NoID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := string(tc.p.Data)
			e := Encode(&tc.p)
			for i := range tc.p.Data {
				tc.p.Data[i] = 'z'
			}
			var got *protocol.Packet
			if _, err := e.FramesAs("alt", func(q *protocol.Packet) ([]engine.Packet, error) {
				got = q
				return nil, nil
			}); err != nil {
				t.Fatal(err)
			}
			if string(got.Data) != want || (got.Data == nil) != (tc.p.Data == nil) {
				t.Fatalf("FramesAs got data %q, want %q", got.Data, want)
			}
			if got.Type != tc.p.Type || got.Namespace != tc.p.Namespace || got.ID != tc.p.ID {
				t.Fatalf("FramesAs got %+v, want the header of %+v", got, tc.p)
			}
		})
	}
}
