package apptest_test

import (
	"context"
	"fmt"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/namespace"
)

// Echo answers every "echo" event with its text, and greets new sockets.
type Echo struct{ namespace.Namespace }

func (e *Echo) OnConnect(s *namespace.Socket) error { return s.Emit("welcome", "hello") }

func (e *Echo) OnEcho(s *namespace.Socket, text string) string { return text }

func ExampleNewClient() {
	a := app.New(app.Options{})
	if err := a.Register(&Echo{}, "/echo"); err != nil {
		panic(err)
	}
	c, err := apptest.NewClient(a, "/echo", nil)
	if err != nil {
		panic(err)
	}
	defer c.Close()

	for _, ev := range c.Received() {
		fmt.Println("received", ev.Name, string(ev.Args[0]))
	}
	reply, err := c.EmitWithAck(context.Background(), "echo", "ping")
	if err != nil {
		panic(err)
	}
	var text string
	reply.Decode(&text)
	fmt.Println("ack", text)
	// Output:
	// received welcome "hello"
	// ack ping
}
