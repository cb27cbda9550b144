package router_test

import (
	"fmt"
	"slices"

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
type Orders struct{}

func (*Orders) OnCreate(s *namespace.Socket, item string) error { return nil }
func (*Orders) OnChat(s *namespace.Socket, text string)         {}
func (*Orders) EventNames() map[string]string {
	return map[string]string{"OnCreate": "order:create", "OnChat": "chat message"}
}

func ExampleCompile() {
	table, err := router.Compile(&Orders{})
	if err != nil {
		panic(err)
	}
	events := table.Events()
	slices.Sort(events)
	fmt.Printf("%q\n", events)
	// Output:
	// ["chat message" "order:create"]
}
