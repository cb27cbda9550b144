package app_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/msgpack"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/protocol"
)

// End-to-end benchmarks of the two parsers: real websocket clients (raw
// gorilla connections that send prebuilt frames) against an App served by
// httptest, so that the figures include the engine, the router, typed
// argument decoding and the encoding of what goes back.

// state is a typical game or telemetry update.
type state struct {
	ID   int      `json:"id"`
	X    float64  `json:"x"`
	Y    float64  `json:"y"`
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

// echoNS sends every "echo" back as "echo-back", typed.
type echoNS struct{ namespace.Namespace }

// OnEcho decodes the state and emits it back.
func (e *echoNS) OnEcho(s *namespace.Socket, st state) error { return s.Emit("echo-back", st) }

// OnEchoBin decodes the state and a binary arg, and emits both back.
func (e *echoNS) OnEchoBin(s *namespace.Socket, st state, blob []byte) error {
	return s.Emit("echo-back", st, blob)
}

// benchArgs are the args of an event: a state, and a binary arg of blob
// bytes when blob > 0 (a []byte arg travels as binary, unlike a []byte
// field of a struct, which encoding/json makes a base64 string).
func benchArgs(blob int) []any {
	args := []any{state{ID: 4711, X: 12.5, Y: -3.25, Name: "player-1", Tags: []string{"red", "fast"}}}
	if blob > 0 {
		args = append(args, []byte(strings.Repeat("\x01", blob)))
	}
	return args
}

// wsClient is a raw websocket client of a benchmark app.
type wsClient struct {
	c       *websocket.Conn
	msgpack bool
}

// dialBench connects to the app at url and joins "/".
func dialBench(b *testing.B, url string, parser app.Parser) *wsClient {
	b.Helper()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		b.Fatal(err)
	}
	w := &wsClient{c: c, msgpack: parser == app.ParserMsgpack}
	w.read(b) // open packet
	w.send(b, &protocol.Packet{Type: protocol.Connect, Namespace: "/", ID: protocol.NoID})
	w.read(b) // CONNECT reply
	return w
}

// frames encodes p the way the client's parser sends it.
func (w *wsClient) frames(b *testing.B, p *protocol.Packet) (int, [][]byte) {
	b.Helper()
	if w.msgpack {
		f, err := msgpack.AppendPacket(nil, p)
		if err != nil {
			b.Fatal(err)
		}
		return websocket.BinaryMessage, [][]byte{f}
	}
	return websocket.TextMessage, append([][]byte{protocol.AppendPacket([]byte("4"), p)}, p.Attachments...)
}

func (w *wsClient) send(b *testing.B, p *protocol.Packet) {
	b.Helper()
	mt, fs := w.frames(b, p)
	for i, f := range fs {
		kind := mt
		if i > 0 {
			kind = websocket.BinaryMessage
		}
		if err := w.c.WriteMessage(kind, f); err != nil {
			b.Fatal(err)
		}
	}
}

func (w *wsClient) read(b *testing.B) []byte {
	_, m, err := w.c.ReadMessage()
	if err != nil {
		b.Error(err)
	}
	return m
}

// messages is how many websocket messages carry one packet of args.
func messages(parser app.Parser, args []any) int {
	if parser == app.ParserJSON {
		return len(args) // one text message, one per binary arg
	}
	return 1
}

func serveBench(b *testing.B, parser app.Parser) *httptest.Server {
	a := app.New(app.Options{Parser: parser, Engine: engine.Options{PingInterval: time.Hour}})
	if err := a.Register(&echoNS{}, "/"); err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(a)
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.Shutdown(ctx)
		ts.Close()
	})
	return ts
}

// benchEcho measures one round trip: an event from the client, decoded
// into a struct by the handler, emitted back and read by the client.
func benchEcho(b *testing.B, parser app.Parser, blob int) {
	ts := serveBench(b, parser)
	w := dialBench(b, ts.URL, parser)
	defer w.c.Close()
	args := benchArgs(blob)
	event := "echo"
	if blob > 0 {
		event = "echo_bin"
	}
	data, att, err := protocol.AppendEvent(nil, event, args)
	if err != nil {
		b.Fatal(err)
	}
	p := &protocol.Packet{Type: protocol.Event, Namespace: "/", ID: protocol.NoID, Data: data, Attachments: att}
	if len(att) > 0 {
		p.Type = protocol.BinaryEvent
	}
	mt, fs := w.frames(b, p)
	n := messages(parser, args)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i, f := range fs {
			kind := mt
			if i > 0 {
				kind = websocket.BinaryMessage
			}
			if err := w.c.WriteMessage(kind, f); err != nil {
				b.Fatal(err)
			}
		}
		for range n {
			w.read(b)
		}
	}
}

// benchBroadcast measures one Emit of the namespace to clients sockets,
// until every client read it.
func benchBroadcast(b *testing.B, parser app.Parser, clients, blob int) {
	ts := serveBench(b, parser)
	a := ts.Config.Handler.(*app.App)
	args := benchArgs(blob)
	n := messages(parser, args)
	got := make(chan struct{}, clients)
	for range clients {
		w := dialBench(b, ts.URL, parser)
		defer w.c.Close()
		go func() {
			for {
				for range n {
					if _, _, err := w.c.ReadMessage(); err != nil {
						return
					}
				}
				got <- struct{}{}
			}
		}()
	}
	ns := a.Of("/")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := ns.Emit("tick", args...); err != nil {
			b.Fatal(err)
		}
		for range clients {
			<-got
		}
	}
}

func BenchmarkEchoJSON(b *testing.B)          { benchEcho(b, app.ParserJSON, 0) }
func BenchmarkEchoMsgpack(b *testing.B)       { benchEcho(b, app.ParserMsgpack, 0) }
func BenchmarkEchoBinaryJSON(b *testing.B)    { benchEcho(b, app.ParserJSON, 1024) }
func BenchmarkEchoBinaryMsgpack(b *testing.B) { benchEcho(b, app.ParserMsgpack, 1024) }

func BenchmarkBroadcast100JSON(b *testing.B)    { benchBroadcast(b, app.ParserJSON, 100, 0) }
func BenchmarkBroadcast100Msgpack(b *testing.B) { benchBroadcast(b, app.ParserMsgpack, 100, 0) }
func BenchmarkBroadcast100BinaryJSON(b *testing.B) {
	benchBroadcast(b, app.ParserJSON, 100, 1024)
}
func BenchmarkBroadcast100BinaryMsgpack(b *testing.B) {
	benchBroadcast(b, app.ParserMsgpack, 100, 1024)
}
