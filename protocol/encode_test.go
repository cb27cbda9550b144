package protocol

import (
	"testing"
)

func TestAppendPacket(t *testing.T) {
	tests := []struct {
		p    *Packet
		want string
	}{
		{pkt(Connect, "/", NoID, ""), "0"},
		{pkt(Connect, "", NoID, ""), "0"},
		{pkt(Connect, "/", NoID, `{"token":"123"}`), `0{"token":"123"}`},
		{pkt(Connect, "/admin", NoID, ""), "0/admin,"},
		{pkt(Connect, "/admin", NoID, `{"token":"123"}`), `0/admin,{"token":"123"}`},
		{pkt(Connect, "/", NoID, `{"sid":"wZX3oN0bSVIhsaknAAAI"}`), `0{"sid":"wZX3oN0bSVIhsaknAAAI"}`},
		{pkt(Connect, "/admin", NoID, `{"sid":"oSO0OpakMV_3jnilAAAA"}`), `0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}`},
		{pkt(ConnectError, "/", NoID, `{"message":"Not authorized"}`), `4{"message":"Not authorized"}`},
		{pkt(ConnectError, "/random", NoID, `{"message":"Invalid namespace"}`), `4/random,{"message":"Invalid namespace"}`},
		{pkt(Disconnect, "/", NoID, ""), "1"},
		{pkt(Disconnect, "/admin", NoID, ""), "1/admin,"},
		{pkt(Event, "/", NoID, `["foo"]`), `2["foo"]`},
		{pkt(Event, "/admin", NoID, `["bar"]`), `2/admin,["bar"]`},
		{pkt(Event, "/", 12, `["foo"]`), `212["foo"]`},
		{pkt(Event, "/", 0, `["foo"]`), `20["foo"]`},
		{pkt(Ack, "/admin", 13, `["bar"]`), `3/admin,13["bar"]`},
		{pkt(Ack, "/", 456, `[1,"2",{"3":[false]}]`), `3456[1,"2",{"3":[false]}]`},
		{pkt(BinaryEvent, "/", NoID, `["baz",`+ph(0)+`]`, bin1234), `51-["baz",` + ph(0) + `]`},
		{pkt(BinaryEvent, "/admin", NoID, `["baz",`+ph(0)+`,`+ph(1)+`]`, bin12, bin34),
			`52-/admin,["baz",` + ph(0) + `,` + ph(1) + `]`},
		{pkt(BinaryAck, "/", 15, `["bar",`+ph(0)+`]`, bin1234), `61-15["bar",` + ph(0) + `]`},
		{pkt(BinaryAck, "/admin", 1, `[`+ph(0)+`]`, bin1234), `61-/admin,1[` + ph(0) + `]`},
		{pkt(BinaryAck, "/", 789, `[`+ph(0)+`,`+ph(1)+`]`, bin123, bin456), `62-789[` + ph(0) + `,` + ph(1) + `]`},
		{pkt(BinaryEvent, "/", NoID, `["x"]`), `50-["x"]`},
	}
	for _, tc := range tests {
		if got := string(AppendPacket(nil, tc.p)); got != tc.want {
			t.Errorf("AppendPacket(%s) = %q, want %q", show(tc.p), got, tc.want)
		}
		// Appending keeps what dst held.
		if got := string(AppendPacket([]byte("4"), tc.p)); got != "4"+tc.want {
			t.Errorf("AppendPacket(\"4\", %s) = %q, want %q", show(tc.p), got, "4"+tc.want)
		}
	}
}

func TestAppendPacketAllocs(t *testing.T) {
	p := pkt(Event, "/admin", 12, `["echo",{"a":1}]`)
	dst := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { dst = AppendPacket(dst[:0], p) }); n != 0 {
		t.Errorf("AppendPacket: %v allocs, want 0", n)
	}
}

func TestPacketTypeString(t *testing.T) {
	want := []string{"CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK", "PacketType(7)"}
	for i, w := range want {
		if got := PacketType(i).String(); got != w {
			t.Errorf("PacketType(%d).String() = %q, want %q", i, got, w)
		}
	}
}

func TestReservedEvent(t *testing.T) {
	for _, name := range []string{"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"} {
		if !ReservedEvent(name) {
			t.Errorf("ReservedEvent(%q) = false", name)
		}
	}
	for _, name := range []string{"", "Connect", "message", "connect ", "newlistener", "error"} {
		if ReservedEvent(name) {
			t.Errorf("ReservedEvent(%q) = true", name)
		}
	}
}
