package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/debug"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
)

// Chat is a namespace struct: its On* methods handle events.
type Chat struct{ namespace.Namespace }

// Message is the payload of "send_message"; validate tags are checked
// before the handler runs.
type Message struct {
	Room string `json:"room" validate:"required"`
	Text string `json:"text" validate:"required,max=140"`
}

// OnSendMessage handles "send_message" and acks the message's length.
func (c *Chat) OnSendMessage(s *namespace.Socket, m Message) (int, error) {
	if m.Room == "closed" {
		return 0, errors.Client("room closed", map[string]string{"room": m.Room})
	}
	return len(m.Text), c.To(m.Room).Emit("message", m)
}

// Broken has a handler Register refuses: a chan cannot come from JSON.
type Broken struct{}

func (*Broken) OnSendMessage(s *namespace.Socket, c chan string) {}

func ExampleApp_Register() {
	a := app.New(app.Options{})
	if err := a.Register(&Chat{}, "/chat"); err != nil {
		panic(err)
	}
	err := a.Register(&Broken{}, "/broken")
	fmt.Println(errors.Is(err, errors.ErrRegistration))
	fmt.Println(strings.SplitN(err.Error(), ";", 2)[0])
	// Output:
	// true
	// socketeer: invalid registration: Broken.OnSendMessage has signature func(*namespace.Socket, chan string): parameter 2 (chan string): chan values cannot be decoded from JSON
}

// The app's error handler is an option, like everything else about an
// app; namespaces with an OnError method use their own.
func ExampleOptions_onError() {
	a := app.New(app.Options{
		OnError: func(s *namespace.Socket, event string, err error) any {
			if ce, ok := errors.AsType[*errors.ClientError](err); ok {
				return map[string]any{"failed": event, "why": ce.Message}
			}
			return errors.Wire(err, false) // what the built-in handler sends
		},
	})
	a.Register(&Chat{}, "/chat")
	c, _ := apptest.NewClient(a, "/chat", nil)
	defer c.Close()
	reply, _ := c.EmitWithAck(context.Background(), "send_message", Message{Room: "closed", Text: "hi"})
	fmt.Println(string(reply.Args[0]))
	// Output:
	// {"failed":"send_message","why":"room closed"}
}

// A payload that fails its validate tags never reaches the handler: the
// ack is a "validation" error listing the fields.
func ExampleApp_Register_validation() {
	a := app.New(app.Options{})
	a.Register(&Chat{}, "/chat")
	c, _ := apptest.NewClient(a, "/chat", nil)
	defer c.Close()
	reply, _ := c.EmitWithAck(context.Background(), "send_message", map[string]string{"text": ""})
	var body struct {
		Error struct {
			Code   string
			Fields []errors.FieldError
		}
	}
	reply.Decode(&body)
	fmt.Println(body.Error.Code)
	for _, f := range body.Error.Fields {
		fmt.Println(f.Field, f.Rule)
	}
	// Output:
	// validation
	// room required
	// text required
}

func ExampleOptions_debug() {
	var buf bytes.Buffer
	a := app.New(app.Options{Debug: true, DebugOptions: debug.Options{Output: &buf, JSON: true}})
	a.Register(&Chat{}, "/chat")
	c, _ := apptest.NewClient(a, "/chat", nil)
	c.EmitWithAck(context.Background(), "send_message", Message{Room: "lobby", Text: "hi"})
	c.Close()

	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var l struct {
			Message, Dir, Type, Nsp, Event, Handler, Reason string
			Ack                                             *int
		}
		json.Unmarshal(sc.Bytes(), &l)
		switch l.Message {
		case "packet":
			fmt.Println(l.Message, l.Dir, l.Type, l.Nsp, l.Event, l.Ack != nil)
		case "handler":
			fmt.Println(l.Message, l.Event, l.Handler)
		case "disconnect":
			fmt.Println(l.Message, l.Reason)
		}
	}
	// Output:
	// packet in CONNECT /chat  false
	// packet out CONNECT /chat  false
	// packet in EVENT /chat send_message true
	// packet out EVENT /chat message false
	// handler send_message Chat.OnSendMessage
	// packet out ACK /chat  true
	// disconnect transport close
}
