// Command conformance is the server the official Engine.IO and Socket.IO
// protocol test suites and the interop tests probe. It is built on the
// public API only; see ../../../shared/docs/conformance.md for its contract
// and README.md beside this file.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

// Root is namespace "/": it sends the auth payload back on connect, echoes
// "message" as "message-back" and acknowledges "message-with-ack".
type Root struct{ namespace.Namespace }

// OnConnect emits the client's auth payload, right after the CONNECT reply.
func (r *Root) OnConnect(s *namespace.Socket) error {
	return s.Emit("auth", s.Handshake().Auth)
}

// OnMessage sends every arg back, binary included. Events without binary
// are answered by keepOrder before they get here.
func (r *Root) OnMessage(s *namespace.Socket, args ...any) error {
	return s.Emit("message-back", args...)
}

// OnMessageWithAck acknowledges with the same args (binary ones; see
// keepOrder).
func (r *Root) OnMessageWithAck(s *namespace.Socket, args ...any) namespace.Args {
	return args
}

// Middleware puts keepOrder around the namespace's events.
func (r *Root) Middleware() []router.Middleware { return []router.Middleware{keepOrder} }

// keepOrder answers "message" and "message-with-ack" events that carry no
// binary straight from their raw JSON args, so that object keys go back in
// the order the client sent them: decoding into any would sort them. Events
// with binary attachments go on to the handlers, which decode them into
// values holding []byte so that the attachments go back as binary.
func keepOrder(next router.Handler) router.Handler {
	return func(ctx context.Context, s *namespace.Socket, e *router.Event) (router.Result, error) {
		if len(e.Attachments) > 0 {
			return next(ctx, s, e)
		}
		switch e.Name {
		case "message":
			args := make([]any, len(e.Args))
			for i, a := range e.Args {
				args[i] = a
			}
			return router.Result{}, s.Emit("message-back", args...)
		case "message-with-ack":
			return router.Result{Raw: append([]json.RawMessage{}, e.Args...)}, nil
		}
		return next(ctx, s, e)
	}
}

// EventNames maps the handler methods whose events are not snake_case.
func (r *Root) EventNames() map[string]string {
	return map[string]string{"OnMessageWithAck": "message-with-ack"}
}

// Custom is namespace "/custom": it only sends the auth payload back.
type Custom struct{ namespace.Namespace }

// OnConnect emits the client's auth payload.
func (c *Custom) OnConnect(s *namespace.Socket) error {
	return s.Emit("auth", s.Handshake().Auth)
}

// echo is the bare Engine.IO endpoint's receiver: every message goes back.
type echo struct{ s *engine.Session }

func (e echo) OnMessage(data []byte, binary bool) {
	e.s.Send(engine.Packet{Type: engine.Message, Data: bytes.Clone(data), Binary: binary})
}

func (echo) OnClose(string) {}

func engineOptions() engine.Options {
	return engine.Options{
		PingInterval: 300 * time.Millisecond,
		PingTimeout:  200 * time.Millisecond,
		MaxPayload:   1_000_000,
		CORS:         engine.CORS{AllowedOrigins: []string{"*"}},
	}
}

// parser returns the Socket.IO parser named by the PARSER environment
// variable: "msgpack" for socket.io-msgpack-parser's wire form, the
// default JSON parser when unset or "json".
func parser() (app.Parser, error) {
	switch p := os.Getenv("PARSER"); p {
	case "", "json", "default":
		return app.ParserJSON, nil
	case "msgpack":
		return app.ParserMsgpack, nil
	default:
		return 0, fmt.Errorf("PARSER=%q: want msgpack or json", p)
	}
}

// newHandler returns the conformance server's routes.
func newHandler() (http.Handler, func(context.Context) error, error) {
	p, err := parser()
	if err != nil {
		return nil, nil, err
	}
	a := app.New(app.Options{Engine: engineOptions(), ConnectTimeout: time.Second, Parser: p})
	if err := a.Register(&Root{}, "/"); err != nil {
		return nil, nil, err
	}
	if err := a.Register(&Custom{}, "/custom"); err != nil {
		return nil, nil, err
	}
	bare := engine.NewServer(engineOptions(), func(s *engine.Session) engine.Receiver { return echo{s} })
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", a)
	mux.Handle("/engine.io/", bare)
	shutdown := func(ctx context.Context) error {
		err := a.Shutdown(ctx)
		if berr := bare.Shutdown(ctx); err == nil {
			err = berr
		}
		return err
	}
	return mux, shutdown, nil
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "3000"
	}
	h, shutdown, err := newHandler()
	if err != nil {
		log.Fatal(err)
	}
	srv := app.NewHTTPServer(net.JoinHostPort("127.0.0.1", port), h)
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("conformance server on http://%s (PARSER=%s)", ln.Addr(), os.Getenv("PARSER"))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		shutdown(sctx)
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
