// Command echo is the smallest Socketeer server: one namespace struct with
// one handler that acknowledges every "echo" event with its argument.
//
//	go run ./examples/echo        # listens on 127.0.0.1:5000 (or $PORT)
//	NODE_PATH=interop/node_modules node examples/echo/client.js
package main

import (
	"context"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/namespace"
)

// Echo is namespace "/". Its OnEcho method handles the "echo" event.
type Echo struct{ namespace.Namespace }

// OnEcho returns what it got: the return value is the client's ack.
func (e *Echo) OnEcho(s *namespace.Socket, msg any) any { return msg }

func main() {
	a := app.New(app.Options{})
	if err := a.Register(&Echo{}, "/"); err != nil {
		log.Fatal(err)
	}

	addr := "127.0.0.1:5000"
	if port := os.Getenv("PORT"); port != "" {
		addr = "127.0.0.1:" + port
	}
	log.Printf("echo: listening on http://%s", addr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := a.ListenAndServe(ctx, addr, nil); err != nil {
		log.Fatal(err)
	}
}
