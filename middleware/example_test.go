package middleware_test

import (
	"context"
	"fmt"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/middleware"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

// Chat is a namespace with one event.
type Chat struct{ namespace.Namespace }

// OnSay acknowledges a message.
func (c *Chat) OnSay(s *namespace.Socket, text string) string { return "ok" }

// Each socket may send 2 events a second, in bursts of up to 3; the fourth
// event of a burst is refused with an error the client sees in its ack.
func ExampleRateLimit() {
	a := app.New(app.Options{Middleware: []router.Middleware{middleware.RateLimit(2, 3)}})
	a.Register(&Chat{})

	c, _ := apptest.NewClient(a, "/", nil)
	defer c.Close()
	for range 4 {
		r, _ := c.EmitWithAck(context.Background(), "say", "hi")
		fmt.Println(string(r.Args[0]))
	}
	// Output:
	// "ok"
	// "ok"
	// "ok"
	// {"error":{"code":"client","message":"rate limit exceeded"}}
}
