package msgpack

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/socketeer/socketeer/protocol"
)

// golden vectors: each frame is the output of socket.io-msgpack-parser
// 3.0.2's Encoder (with its pinned notepack.io 2.2.0) under Node 20 for the
// packet object in the comment, produced by:
//
//	npm install socket.io-msgpack-parser@3 notepack.io   # in a scratch dir
//	node -e 'const [b] = new (require("socket.io-msgpack-parser").Encoder)().encode(pkt); console.log(b.toString("hex"))'
//
// The member order of the objects is the one socket.io 4.8 builds (server
// side) or socket.io-client 4.8 builds (client side, with "options").
// exact marks the frames AppendPacket must reproduce byte for byte.
var golden = []struct {
	name  string
	hex   string
	want  protocol.Packet
	exact bool
}{
	{ // {type: 0, data: {token: "abc", n: 1}, nsp: "/"}
		"connect_auth", "83a47479706500a46461746182a5746f6b656ea3616263a16e01a36e7370a12f",
		protocol.Packet{Type: protocol.Connect, Namespace: "/", ID: protocol.NoID, Data: []byte(`{"token":"abc","n":1}`)}, true,
	},
	{ // {type: 0, data: undefined, nsp: "/admin"}: socket.io-client without auth
		"connect_undefined_auth", "83a47479706500a464617461d40000a36e7370a62f61646d696e",
		protocol.Packet{Type: protocol.Connect, Namespace: "/admin", ID: protocol.NoID}, false,
	},
	{ // {type: 0, data: {sid: "wZX3oN0bSVIhsaknAAAI"}, nsp: "/"}
		"connect_reply", "83a47479706500a46461746181a3736964b4775a58336f4e30625356496873616b6e41414149a36e7370a12f",
		protocol.Packet{Type: protocol.Connect, Namespace: "/", ID: protocol.NoID, Data: []byte(`{"sid":"wZX3oN0bSVIhsaknAAAI"}`)}, true,
	},
	{ // {type: 0, data: {sid: "wZX3oN0bSVIhsaknAAAI", pid: undefined}, nsp: "/"}: a Node server without recovery
		"connect_reply_node", "83a47479706500a46461746182a3736964b4775a58336f4e30625356496873616b6e41414149a3706964d40000a36e7370a12f",
		protocol.Packet{Type: protocol.Connect, Namespace: "/", ID: protocol.NoID, Data: []byte(`{"sid":"wZX3oN0bSVIhsaknAAAI"}`)}, false,
	},
	{ // {type: 2, data: ["chat", {user: "alice", n: 42, f: 1.5, neg: -7, big: 4294967296, minus: -2147483649,
		//   list: [1, "two", null, true, false], nested: {deep: {x: -129, y: 65535, z: 0.1}}}], nsp: "/"}
		"event_nested", "83a47479706502a46461746192a46368617488a475736572a5616c696365a16e2aa166cb3ff8000000000000a36e6567f9a3626967cf0000000100000000a56d696e7573d3ffffffff7fffffffa46c6973749501a374776fc0c3c2a66e657374656481a46465657083a178d1ff7fa179cdffffa17acb3fb999999999999aa36e7370a12f",
		protocol.Packet{Type: protocol.Event, Namespace: "/", ID: protocol.NoID,
			Data: []byte(`["chat",{"user":"alice","n":42,"f":1.5,"neg":-7,"big":4294967296,"minus":-2147483649,"list":[1,"two",null,true,false],"nested":{"deep":{"x":-129,"y":65535,"z":0.1}}}]`)}, true,
	},
	{ // {type: 2, data: ["ping", 1], id: 7, nsp: "/chat"}
		"event_ack_ns", "84a47479706502a46461746192a470696e6701a2696407a36e7370a52f63686174",
		protocol.Packet{Type: protocol.Event, Namespace: "/chat", ID: 7, Data: []byte(`["ping",1]`)}, true,
	},
	{ // {type: 2, data: ["hello", 1, {a: "b"}], options: {compress: true}, id: 0, nsp: "/"}: socket.io-client's emit
		"event_client_options", "85a47479706502a46461746193a568656c6c6f0181a161a162a76f7074696f6e7381a8636f6d7072657373c3a2696400a36e7370a12f",
		protocol.Packet{Type: protocol.Event, Namespace: "/", ID: 0, Data: []byte(`["hello",1,{"a":"b"}]`)}, false,
	},
	{ // {type: 2, data: ["upload", Buffer.from([1, 2, 3]), {file: Buffer.from([4, 5])}], nsp: "/"}: Buffer is bin
		"event_buffer", "83a47479706502a46461746193a675706c6f6164c40301020381a466696c65c4020405a36e7370a12f",
		protocol.Packet{Type: protocol.BinaryEvent, Namespace: "/", ID: protocol.NoID,
			Data:        []byte(`["upload",{"_placeholder":true,"num":0},{"file":{"_placeholder":true,"num":1}}]`),
			Attachments: [][]byte{{1, 2, 3}, {4, 5}}}, true,
	},
	{ // {type: 2, data: ["upload", new Uint8Array([1, 2, 3])], nsp: "/"}: a typed array is ext 8 of type 0
		"event_uint8array", "83a47479706502a46461746192a675706c6f6164c70300010203a36e7370a12f",
		protocol.Packet{Type: protocol.BinaryEvent, Namespace: "/", ID: protocol.NoID,
			Data: []byte(`["upload",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{1, 2, 3}}}, false,
	},
	{ // {type: 2, data: ["misc", undefined, {a: undefined, b: 2}, new Date(Date.UTC(2024, 4, 1, 12, 0, 0, 5)), -0, 1e21,
		//   "x".repeat(40), "héllo 😀", [0, 1, ..., 16]], nsp: "/"}; notepack writes 1e21 as a wrong uint 64
		"event_misc", "83a47479706502a46461746199a46d697363d4000082a161d40000a16202d7000000018f34069e0500cf35c9adc5dea00000d92878787878787878787878787878787878787878787878787878787878787878787878787878787878ab68c3a96c6c6f20f09f9880dc0011000102030405060708090a0b0c0d0e0f10a36e7370a12f",
		protocol.Packet{Type: protocol.Event, Namespace: "/", ID: protocol.NoID,
			Data: []byte(`["misc",null,{"b":2},"2024-05-01T12:00:00.005Z",0,3875820019684212736,"` + strings.Repeat("x", 40) +
				`","héllo 😀",[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]]`)}, false,
	},
	{ // {type: 2, data: [42, "x"], nsp: "/"}
		"event_number_name", "83a47479706502a464617461922aa178a36e7370a12f",
		protocol.Packet{Type: protocol.Event, Namespace: "/", ID: protocol.NoID, Data: []byte(`[42,"x"]`)}, true,
	},
	{ // {id: 12, type: 3, data: ["ok", {got: [1, true]}], nsp: "/"}: the server's ack
		"ack_server", "84a269640ca47479706503a46461746192a26f6b81a3676f749201c3a36e7370a12f",
		protocol.Packet{Type: protocol.Ack, Namespace: "/", ID: 12, Data: []byte(`["ok",{"got":[1,true]}]`)}, true,
	},
	{ // {type: 3, id: 5, data: [], nsp: "/"}: the client's ack
		"ack_client", "84a47479706503a2696405a46461746190a36e7370a12f",
		protocol.Packet{Type: protocol.Ack, Namespace: "/", ID: 5, Data: []byte(`[]`)}, false,
	},
	{ // {id: 3, type: 3, data: [Buffer.from([9, 8, 7])], nsp: "/"}
		"ack_buffer", "84a2696403a47479706503a46461746191c403090807a36e7370a12f",
		protocol.Packet{Type: protocol.BinaryAck, Namespace: "/", ID: 3,
			Data: []byte(`[{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{9, 8, 7}}}, true,
	},
	{ // {type: 4, data: {message: "Not authorized", data: {code: 42}}, nsp: "/admin"}
		"connect_error", "83a47479706504a46461746182a76d657373616765ae4e6f7420617574686f72697a6564a46461746181a4636f64652aa36e7370a62f61646d696e",
		protocol.Packet{Type: protocol.ConnectError, Namespace: "/admin", ID: protocol.NoID,
			Data: []byte(`{"message":"Not authorized","data":{"code":42}}`)}, true,
	},
	{ // {type: 4, nsp: "/random", data: {message: "Invalid namespace"}}: socket.io's unknown-namespace reply
		"connect_error_nsp", "83a47479706504a36e7370a72f72616e646f6da46461746181a76d657373616765b1496e76616c6964206e616d657370616365",
		protocol.Packet{Type: protocol.ConnectError, Namespace: "/random", ID: protocol.NoID,
			Data: []byte(`{"message":"Invalid namespace"}`)}, false,
	},
	{ // {type: 1, nsp: "/admin"}
		"disconnect", "82a47479706501a36e7370a62f61646d696e",
		protocol.Packet{Type: protocol.Disconnect, Namespace: "/admin", ID: protocol.NoID}, true,
	},
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// samePacket reports the differences between two packets.
func samePacket(t *testing.T, got, want *protocol.Packet) {
	t.Helper()
	if got.Type != want.Type || got.Namespace != want.Namespace || got.ID != want.ID {
		t.Errorf("got type %v nsp %q id %d, want %v %q %d", got.Type, got.Namespace, got.ID, want.Type, want.Namespace, want.ID)
	}
	if !bytes.Equal(got.Data, want.Data) {
		t.Errorf("data\n got %s\nwant %s", got.Data, want.Data)
	}
	if len(got.Attachments) != len(want.Attachments) {
		t.Fatalf("got %d attachments, want %d", len(got.Attachments), len(want.Attachments))
	}
	for i := range want.Attachments {
		if !bytes.Equal(got.Attachments[i], want.Attachments[i]) {
			t.Errorf("attachment %d: got %x, want %x", i, got.Attachments[i], want.Attachments[i])
		}
	}
}

func TestGoldenDecode(t *testing.T) {
	for _, g := range golden {
		t.Run(g.name, func(t *testing.T) {
			p, err := NewDecoder(Limits{}).Decode(mustHex(t, g.hex))
			if err != nil {
				t.Fatal(err)
			}
			samePacket(t, p, &g.want)
		})
	}
}

func TestGoldenEncode(t *testing.T) {
	for _, g := range golden {
		t.Run(g.name, func(t *testing.T) {
			frame, err := AppendPacket(nil, &g.want)
			if err != nil {
				t.Fatal(err)
			}
			if g.exact && hex.EncodeToString(frame) != g.hex {
				t.Errorf("got  %x\nwant %s", frame, g.hex)
			}
			p, err := NewDecoder(Limits{}).Decode(frame) // every frame decodes back
			if err != nil {
				t.Fatal(err)
			}
			samePacket(t, p, &g.want)
		})
	}
}

// TestGoldenAppendEvent checks that the direct emit path writes the same
// frames as Node.
func TestGoldenAppendEvent(t *testing.T) {
	frame := func(b []byte, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return hex.EncodeToString(b)
	}
	byName := map[string]string{}
	for _, g := range golden {
		byName[g.name] = g.hex
	}
	for _, c := range []struct{ name, got string }{
		{"event_ack_ns", frame(AppendEvent(nil, "/chat", 7, "ping", []any{1}))},
		{"event_buffer", frame(AppendEvent(nil, "/", protocol.NoID, "upload", []any{[]byte{1, 2, 3}, map[string]any{"file": []byte{4, 5}}}))},
		{"ack_server", frame(AppendAck(nil, "/", 12, []any{"ok", map[string]any{"got": []any{1.0, true}}}))},
		{"ack_buffer", frame(AppendAck(nil, "/", 3, []any{[]byte{9, 8, 7}}))},
	} {
		if c.got != byName[c.name] {
			t.Errorf("%s:\n got %s\nwant %s", c.name, c.got, byName[c.name])
		}
	}
}
