package router_test

import (
	"context"
	"fmt"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

func ExampleEventName() {
	for _, m := range []string{"OnSendMessage", "OnJSON", "OnHTTPPing"} {
		fmt.Println(m, "→", router.EventName(m))
	}
	// Output:
	// OnSendMessage → send_message
	// OnJSON → json
	// OnHTTPPing → http_ping
}

// Orders maps its methods to event names that are not Go identifiers.
type Orders struct{ namespace.Namespace }

func (*Orders) OnCreate(s *namespace.Socket, item string) string { return "created " + item }
func (*Orders) OnChat(s *namespace.Socket, text string)          {}
func (*Orders) EventNames() map[string]string {
	return map[string]string{"OnCreate": "order:create", "OnChat": "chat message"}
}

func ExampleEventNamer() {
	a := app.New(app.Options{})
	if err := a.Register(&Orders{}, "/orders"); err != nil {
		panic(err)
	}
	c, err := apptest.NewClient(a, "/orders", nil)
	if err != nil {
		panic(err)
	}
	defer c.Close()
	reply, _ := c.EmitWithAck(context.Background(), "order:create", "tea")
	fmt.Println(string(reply.Args[0]))
	// Output:
	// "created tea"
}
