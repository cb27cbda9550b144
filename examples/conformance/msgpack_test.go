package main

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/socketeer/socketeer/internal/msgpack"
)

// The contract with PARSER=msgpack: every Socket.IO packet, both ways, is
// one binary Engine.IO message holding a MessagePack map (the form of
// socket.io-msgpack-parser 3.x); the behaviour is the JSON contract's.

// msgpackServer runs a conformance server with PARSER=msgpack for one test.
func msgpackServer(t *testing.T) string {
	t.Helper()
	p := start(t, "PARSER=msgpack")
	t.Cleanup(p.kill)
	return p.addr
}

// mpFrame encodes a packet map as a client would send it.
func mpFrame(t *testing.T, packet map[string]any) []byte {
	t.Helper()
	b, err := msgpack.Append(nil, packet)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mpValue decodes a frame into json.Unmarshal's types, []byte for binary.
func mpValue(t *testing.T, frame []byte) map[string]any {
	t.Helper()
	v, err := msgpack.Decode(frame)
	if err != nil {
		t.Fatalf("server frame % x: %v", frame, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("server frame % x is not a map", frame)
	}
	return m
}

// mpWS is a raw websocket client of a msgpack server.
type mpWS struct{ *wsConn }

func dialMsgpackWS(t *testing.T, addr string) mpWS {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	w := mpWS{&wsConn{t: t, c: c}}
	_, open := w.read(false)
	parseOpen(t, open, `[]`) // Engine.IO is unchanged: the open packet is text
	return w
}

// next returns the next Socket.IO packet, which must be a binary message.
func (w mpWS) next() (map[string]any, []byte) {
	w.t.Helper()
	mt, m := w.read(true)
	if mt != websocket.BinaryMessage {
		w.t.Fatalf("got message type %d %q, want one binary message per packet", mt, m)
	}
	return mpValue(w.t, []byte(m)), []byte(m)
}

func (w mpWS) send(packet map[string]any) { w.writeBinary(mpFrame(w.t, packet)) }

// want checks the next packet against want (numbers as float64, binary as
// []byte, as msgpack.Decode gives them).
func (w mpWS) want(want map[string]any) map[string]any {
	w.t.Helper()
	got, raw := w.next()
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			w.t.Fatalf("packet %v (% x): %s = %#v, want %#v", got, raw, k, got[k], v)
		}
	}
	return got
}

// connect joins nsp with auth and checks the reply and the auth event.
func (w mpWS) connect(nsp string, auth map[string]any, wantAuth any) {
	w.t.Helper()
	p := map[string]any{"type": 0, "nsp": nsp}
	if auth != nil {
		p["data"] = auth
	}
	w.send(p)
	reply := w.want(map[string]any{"type": float64(0), "nsp": nsp})
	data, _ := reply["data"].(map[string]any)
	if sid, _ := data["sid"].(string); len(data) != 1 || sid == "" {
		w.t.Fatalf("CONNECT reply data %v, want only sid", reply["data"])
	}
	w.want(map[string]any{"type": float64(2), "nsp": nsp, "data": []any{"auth", wantAuth}})
}

func TestMsgpackWebsocket(t *testing.T) {
	addr := msgpackServer(t)
	w := dialMsgpackWS(t, addr)
	w.send(map[string]any{"type": 0, "nsp": "/", "data": map[string]any{"token": "123"}})
	w.want(map[string]any{"type": float64(0), "nsp": "/"})
	// Byte for byte what socket.io 4.8 with socket.io-msgpack-parser
	// sends: members type, data, nsp, in that order.
	_, raw := w.next()
	want := "\x83\xa4type\x02\xa4data\x92\xa4auth\x81\xa5token\xa3123\xa3nsp\xa1/"
	if string(raw) != want {
		t.Fatalf("auth event % x, want % x", raw, want)
	}

	nested := map[string]any{"3": []any{false}, "bin": []byte{1, 2}, "deep": map[string]any{"x": []any{1.5, nil, "s"}}}
	w.send(map[string]any{"type": 2, "nsp": "/", "data": []any{"message", 1, "2", nested}})
	w.want(map[string]any{"type": float64(2), "data": []any{"message-back", float64(1), "2",
		map[string]any{"3": []any{false}, "bin": []byte{1, 2}, "deep": map[string]any{"x": []any{1.5, nil, "s"}}}}})

	w.send(map[string]any{"type": 2, "nsp": "/", "id": 456, "data": []any{"message-with-ack", []byte{3}, map[string]any{"k": "v"}}})
	w.want(map[string]any{"type": float64(3), "id": float64(456), "nsp": "/",
		"data": []any{[]byte{3}, map[string]any{"k": "v"}}})

	w.connect("/custom", nil, map[string]any{})
	w.send(map[string]any{"type": 0, "nsp": "/random"})
	w.want(map[string]any{"type": float64(4), "nsp": "/random", "data": map[string]any{"message": "Invalid namespace"}})
}

func TestMsgpackPolling(t *testing.T) {
	addr := msgpackServer(t)
	base := "http://" + addr + "/socket.io/?EIO=4&transport=polling"
	code, body := get(t, base)
	if code != 200 {
		t.Fatalf("handshake: %d %q", code, body)
	}
	p := &poller{t: t, url: base + "&sid=" + parseOpen(t, body, `["websocket"]`)}
	b64 := func(packet map[string]any) string {
		return "b" + base64.StdEncoding.EncodeToString(mpFrame(t, packet))
	}
	next := func(n int) []map[string]any {
		var out []map[string]any
		for _, pk := range p.recv(n) {
			frame, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(pk, "b"))
			if !strings.HasPrefix(pk, "b") || err != nil {
				t.Fatalf("payload element %q, want b + base64 of a msgpack frame", pk)
			}
			out = append(out, mpValue(t, frame))
		}
		return out
	}
	// Two packets in one POST, separated by \x1e as engine.io-client does.
	p.send(b64(map[string]any{"type": 0, "nsp": "/"}) + "\x1e" +
		b64(map[string]any{"type": 2, "nsp": "/", "id": 1, "data": []any{"message-with-ack", []byte{9}, "x"}}))
	got := next(3)
	if got[0]["type"] != float64(0) || !reflect.DeepEqual(got[1]["data"], []any{"auth", map[string]any{}}) ||
		!reflect.DeepEqual(got[2]["data"], []any{[]byte{9}, "x"}) || got[2]["id"] != float64(1) {
		t.Fatalf("got %v", got)
	}
}

// TestMsgpackMalformed checks that what is not one valid msgpack packet in
// a binary message closes the session, at once.
func TestMsgpackMalformed(t *testing.T) {
	addr := msgpackServer(t)
	event, _ := msgpack.Append(nil, map[string]any{"type": 2, "nsp": "/", "data": []any{"message", 1}})
	cases := map[string]struct {
		text  bool
		frame []byte
	}{
		"text message":  {true, []byte(`2["message",1]`)},
		"truncated":     {false, event[:len(event)-3]},
		"not a map":     {false, []byte{0x93, 1, 2, 3}},
		"wrong type":    {false, []byte("\x82\xa4type\xa1x\xa3nsp\xa1/")},
		"type 5":        {false, []byte("\x82\xa4type\x05\xa3nsp\xa1/")},
		"absurd length": {false, []byte("\x83\xa4type\x02\xa3nsp\xa1/\xa4data\xdd\xff\xff\xff\xff")},
		"deep nesting": {false, append([]byte("\x83\xa4type\x02\xa3nsp\xa1/\xa4data\x92\xa1e"),
			[]byte(strings.Repeat("\x91", 10000)+"\xc0")...)},
		"trailing bytes": {false, append(append([]byte{}, event...), 0xc0)},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			w := dialMsgpackWS(t, addr)
			w.connect("/", nil, map[string]any{})
			if c.text {
				w.write("4" + string(c.frame))
			} else {
				w.writeBinary(c.frame)
			}
			w.c.SetReadDeadline(time.Now().Add(2 * time.Second))
			for {
				mt, m, err := w.c.ReadMessage()
				if err != nil {
					if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
						t.Fatal("the session is still open")
					}
					return // closed
				}
				if mt == websocket.TextMessage && string(m) == "2" {
					continue
				}
				if mt == websocket.TextMessage && string(m) == "1" {
					return // an Engine.IO close packet, then the socket closes
				}
				t.Fatalf("got %d % x, want the session closed", mt, m)
			}
		})
	}
}
