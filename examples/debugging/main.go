// Command debugging runs a small server with Socketeer's tracer on, to
// show what a developer sees in the terminal: every packet in (←) and out
// (→), each handler call with its duration, validation errors, and a
// recovered panic with its stack.
//
//	go run ./examples/debugging        # 127.0.0.1:5000 (or $PORT)
//	NODE_PATH=interop/node_modules node examples/debugging/client.js
//
// Any app switches the tracer on with app.Options{Debug: true} or the
// environment variable SOCKETEER_DEBUG=1.
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

// Shop is namespace "/".
type Shop struct{ namespace.Namespace }

// Order is the payload of "order".
type Order struct {
	Item string `json:"item" validate:"required"`
	Qty  int    `json:"qty" validate:"min=1,max=10"`
}

// OnOrder accepts an order; a bad one fails validation before it runs.
func (sh *Shop) OnOrder(s *namespace.Socket, o Order) map[string]any {
	return map[string]any{"ok": true, "item": o.Item, "qty": o.Qty}
}

// OnCrash has a bug: it panics. The panic is recovered, traced with its
// stack, and the client gets an internal error in its ack.
func (sh *Shop) OnCrash(s *namespace.Socket) error {
	var stock map[string]int
	stock["apples"]-- // assignment to entry in nil map
	return nil
}

func main() {
	a := app.New(app.Options{Debug: true}) // trace to stderr
	if err := a.Register(&Shop{}, "/"); err != nil {
		log.Fatal(err)
	}
	addr := "127.0.0.1:5000"
	if port := os.Getenv("PORT"); port != "" {
		addr = "127.0.0.1:" + port
	}
	log.Printf("debugging: tracing on http://%s", addr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := a.ListenAndServe(ctx, addr, nil); err != nil {
		log.Fatal(err)
	}
}
