// Command namespaces serves two struct namespaces from one app: /chat,
// open to anyone, and /admin, which checks a token in OnConnect. Each has
// its own OnError handler, so their clients get errors in different
// shapes.
//
//	ADMIN_TOKEN=secret go run ./examples/namespaces   # 127.0.0.1:5000 (or $PORT)
//	NODE_PATH=interop/node_modules ADMIN_TOKEN=secret node examples/namespaces/client.js
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
)

// Chat is namespace /chat: anyone may connect and talk.
type Chat struct{ namespace.Namespace }

// Path names the namespace, so Register needs no path argument.
func (c *Chat) Path() string { return "/chat" }

// Say is the payload of "say".
type Say struct {
	Text string `json:"text" validate:"required,max=200"`
}

// OnSay sends the text to everyone in /chat and acknowledges it.
func (c *Chat) OnSay(s *namespace.Socket, m Say) (string, error) {
	return "sent", c.Emit("said", map[string]string{"from": s.ID(), "text": m.Text})
}

// OnError answers the failed events of /chat with the standard wire
// error, {"error": {"code": ..., "message": ...}}, never internal text.
func (c *Chat) OnError(s *namespace.Socket, event string, err error) any {
	log.Printf("/chat %s: %v", event, err)
	return errors.Wire(err, false)
}

// Admin is namespace /admin: only clients with the token connect. It acts
// on /chat through the Chat struct it holds.
type Admin struct {
	namespace.Namespace
	token string
	chat  *Chat
}

// Credentials is the auth payload /admin expects.
type Credentials struct {
	Token string `json:"token"`
}

// OnConnect refuses clients without the token: the client's connect_error
// has the message and the data given to errors.Client.
func (a *Admin) OnConnect(s *namespace.Socket, auth Credentials) error {
	if auth.Token == "" || auth.Token != a.token {
		return errors.Client("not authorized", map[string]string{"hint": "send auth {token}"})
	}
	return nil
}

// OnStats reports how many sockets /chat has.
func (a *Admin) OnStats(s *namespace.Socket) map[string]int {
	return map[string]int{"chat_sockets": a.chat.Len()}
}

// OnAnnounce sends an announcement to every /chat socket.
func (a *Admin) OnAnnounce(s *namespace.Socket, text string) error {
	return a.chat.Emit("announcement", text)
}

// OnKick disconnects a /chat socket by id.
func (a *Admin) OnKick(s *namespace.Socket, id string) (bool, error) {
	target := a.chat.Socket(id)
	if target == nil {
		return false, fmt.Errorf("kick: no /chat socket %q", id)
	}
	target.Disconnect(false)
	return true, nil
}

// OnError answers the failed events of /admin with the error's text:
// admins are trusted to see it.
func (a *Admin) OnError(s *namespace.Socket, event string, err error) any {
	return map[string]string{"admin_error": err.Error()}
}

// newApp registers both namespaces.
func newApp(token string) (*app.App, error) {
	a := app.New(app.Options{})
	chat := &Chat{}
	if err := a.Register(chat); err != nil { // at chat.Path(): "/chat"
		return nil, err
	}
	if err := a.Register(&Admin{token: token, chat: chat}, "/admin"); err != nil {
		return nil, err
	}
	return a, nil
}

func main() {
	token := os.Getenv("ADMIN_TOKEN")
	if token == "" {
		log.Fatal("namespaces: set ADMIN_TOKEN, the token /admin clients must send")
	}
	a, err := newApp(token)
	if err != nil {
		log.Fatal(err)
	}
	addr := "127.0.0.1:5000"
	if port := os.Getenv("PORT"); port != "" {
		addr = "127.0.0.1:" + port
	}
	log.Printf("namespaces: /chat and /admin on http://%s", addr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := a.ListenAndServe(ctx, addr, nil); err != nil {
		log.Fatal(err)
	}
}
