package rediswire

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/socketeer/socketeer/protocol"
)

func TestChannels(t *testing.T) {
	tests := []struct{ got, want string }{
		{BroadcastChannel("socket.io", "/"), "socket.io#/#"},
		{RoomChannel("socket.io", "/chat", "r1"), "socket.io#/chat#r1#"},
		{RequestChannel("k", "/chat"), "k-request#/chat#"},
		{ResponseChannel("k", "/"), "k-response#/#"},
		{ChannelFor("k", "/", []string{"a"}), "k#/#a#"},
		{ChannelFor("k", "/", []string{"a", "b"}), "k#/#"},
		{ChannelFor("k", "/", nil), "k#/#"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestBroadcastRoundTrip converts a binary event to a broadcast message and
// back, as one node publishes it and another delivers it.
func TestBroadcastRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		args []any
	}{
		{"text", []any{"a", 1, 2.5, -3, true, nil, map[string]any{"k": []any{"v"}}}},
		{"binary", []any{[]byte{0, 255}, map[string]any{"b": []byte{1}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			payload, att, err := protocol.AppendEvent(nil, "ev", tc.args)
			if err != nil {
				t.Fatal(err)
			}
			data, err := FromPayload(payload, att)
			if err != nil {
				t.Fatal(err)
			}
			msg, err := EncodeBroadcast("uid1", Packet{Type: EventType, Data: data, Nsp: "/x"}, NewOptions([]string{"r"}, nil, true))
			if err != nil {
				t.Fatal(err)
			}
			uid, p, o, err := DecodeBroadcast(msg)
			if err != nil {
				t.Fatal(err)
			}
			if uid != "uid1" || p.Nsp != "/x" || !reflect.DeepEqual(o.Rooms, []string{"r"}) || len(o.Except) != 0 || !o.Volatile() {
				t.Fatalf("decoded uid %q packet %+v options %+v", uid, p, o)
			}
			got, err := ToPacket("/x", protocol.NoID, p.Data)
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Data) != string(payload) || !reflect.DeepEqual(got.Attachments, att) {
				t.Fatalf("payload %s %v, want %s %v", got.Data, got.Attachments, payload, att)
			}
			if wantType := map[bool]protocol.PacketType{false: protocol.Event, true: protocol.BinaryEvent}[len(att) > 0]; got.Type != wantType {
				t.Fatalf("type %v, want %v", got.Type, wantType)
			}
		})
	}
}

func TestUnmarshalEitherForm(t *testing.T) {
	want := Request{UID: "u", RequestID: "r", Type: RemoteFetch, Opts: &Options{Rooms: []string{"a"}, Except: []string{}}}
	js, _ := json.Marshal(want)
	mp, _ := MarshalMsgpack(want)
	for _, b := range [][]byte{js, mp} {
		var got Request
		if err := Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v %+v, want %+v %+v", got, got.Opts, want, want.Opts)
		}
	}
}

func TestToPacketErrors(t *testing.T) {
	for _, data := range [][]any{nil, {1, "x"}} {
		if _, err := ToPacket("/", protocol.NoID, data); err == nil {
			t.Errorf("ToPacket(%v) = nil error", data)
		}
	}
}
