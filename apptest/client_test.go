package apptest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// probe exercises the client's features from the server side.
type probe struct {
	namespace.Namespace
	answers chan []json.RawMessage
}

func (p *probe) OnConnect(s *namespace.Socket) error {
	return s.Emit("hello", s.Handshake().Header.Get("X-Test"), s.Handshake().Query.Get("room"), s.Handshake().Address)
}

// OnUpload tells whether its arg arrived as a binary attachment.
func (p *probe) OnUpload(s *namespace.Socket, b []byte) (int, []byte) { return len(b), []byte("ok") }

// OnAsk asks the client a question from another goroutine and reports
// the answer.
func (p *probe) OnAsk(s *namespace.Socket) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r, err := s.EmitWithAck(ctx, "question", 41)
		if err == nil {
			p.answers <- r.Args
		}
	}()
}

func (p *probe) OnLater(s *namespace.Socket) {
	time.AfterFunc(20*time.Millisecond, func() { s.Emit("later", true) })
}

func TestClient(t *testing.T) { forParsers(t, testClient) }

func testClient(t *testing.T, parser app.Parser) {
	p := &probe{answers: make(chan []json.RawMessage, 1)}
	var sawBinary bool
	a := app.New(app.Options{Parser: parser, Middleware: []router.Middleware{func(next router.Handler) router.Handler {
		return func(ctx context.Context, s *namespace.Socket, e *router.Event) (router.Result, error) {
			if e.Name == "upload" {
				sawBinary = len(e.Attachments) == 1
			}
			return next(ctx, s, e)
		}
	}}})
	if err := a.Register(p, "/p"); err != nil {
		t.Fatal(err)
	}
	c := apptest.Connect(t, a, "/p", &apptest.Options{
		Header: http.Header{"X-Test": {"yes"}},
		Query:  url.Values{"room": {"r1"}},
		OnAck: func(event string, args []json.RawMessage) []any {
			var n int
			json.Unmarshal(args[0], &n)
			return []any{event, n + 1, []byte{7}}
		},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	hello, err := c.WaitFor(ctx, "hello")
	if err != nil {
		t.Fatal(err)
	}
	var header, room, addr string
	if err := hello.Decode(&header, &room, &addr); err != nil || header != "yes" || room != "r1" || addr != "pipe" {
		t.Errorf("handshake seen by the server: %q %q %q (%v)", header, room, addr, err)
	}

	r, err := c.EmitWithAck(ctx, "upload", []byte{1, 2, 3})
	var n int
	var back []byte
	if err != nil || r.Decode(&n, &back) != nil || n != 3 || string(back) != "ok" || !sawBinary {
		t.Errorf("upload: n=%d back=%q binary=%v err=%v", n, back, sawBinary, err)
	}

	c.Emit("ask")
	select {
	case got := <-p.answers:
		if b, _ := json.Marshal(got); string(b) != `["question",42,"Bw=="]` {
			t.Errorf("answer = %s", b)
		}
	case <-ctx.Done():
		t.Fatal("the server got no answer")
	}

	c.Emit("later")
	if _, err := c.WaitFor(ctx, "later"); err != nil {
		t.Errorf("WaitFor(later): %v", err)
	}
	short, cancelShort := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancelShort()
	if _, err := c.WaitFor(short, "never"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitFor(never) = %v", err)
	}
	if got := c.Received(); len(got) != 1 || got[0].Name != "question" {
		t.Errorf("left in Received: %v", got)
	}
	if err := c.Emit("disconnect"); !errors.Is(err, errors.ErrReservedEvent) {
		t.Errorf("Emit(disconnect) = %v", err)
	}
	c.Disconnect()
	if c.Connected() {
		t.Error("connected after Disconnect")
	}
	if _, err := c.EmitWithAck(ctx, "upload", []byte{1}); !errors.Is(err, apptest.ErrDisconnected) {
		t.Errorf("EmitWithAck after Disconnect = %v", err)
	}
}

// askSelf waits, inside its handler, for the ack of an event it emits to
// its own socket.
type askSelf struct{ namespace.Namespace }

func (a *askSelf) OnAsk(ctx context.Context, s *namespace.Socket) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	reply, err := s.EmitWithAck(ctx, "question")
	if err != nil {
		return "", err
	}
	var answer string
	err = reply.Decode(&answer)
	return answer, err
}

func TestAckAwaitedInsideHandler(t *testing.T) { forParsers(t, testAckAwaitedInsideHandler) }

func testAckAwaitedInsideHandler(t *testing.T, parser app.Parser) {
	a := app.New(app.Options{Parser: parser})
	if err := a.Register(&askSelf{}); err != nil {
		t.Fatal(err)
	}
	c, err := apptest.NewClient(a, "/", &apptest.Options{OnAck: func(event string, args []json.RawMessage) []any {
		return []any{"answer to " + event}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	reply, err := c.EmitWithAck(ctx, "ask")
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := reply.Decode(&got); err != nil || got != "answer to question" {
		t.Fatalf("ack = %q, %v; want %q", got, err, "answer to question")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the ack took %v: it waited for a timeout", d)
	}
}

// forParsers runs test once with each parser, as subtests named after it:
// a client speaks its app's parser.
func forParsers(t *testing.T, test func(*testing.T, app.Parser)) {
	for _, p := range []struct {
		name   string
		parser app.Parser
	}{{"json", app.ParserJSON}, {"msgpack", app.ParserMsgpack}} {
		t.Run(p.name, func(t *testing.T) { test(t, p.parser) })
	}
}
