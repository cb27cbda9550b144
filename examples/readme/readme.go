// Package readme holds the Go snippets of the repository's README.md, so
// that every one of them compiles and runs: readme_test.go serves these
// namespaces and drives them with client.js, the README's JavaScript
// snippets, on the real socket.io-client. Each README snippet names the
// function or type it comes from; keep both in sync by hand.
package readme

import (
	"context"
	"encoding/json"
	"log"
	"net/http"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
)

// --- Receiving messages ------------------------------------------------------

// Receiving shows handlers for what clients send.
type Receiving struct{ namespace.Namespace }

// OnMessage handles socket.send(text), the "message" event.
func (r *Receiving) OnMessage(s *namespace.Socket, text string) error {
	return s.Send("you said: " + text)
}

// MyEvent is the payload of "my_event".
type MyEvent struct {
	Data string `json:"data"`
}

// OnMyEvent handles socket.emit("my_event", {data: "..."}); the return
// value is the ack the client's callback gets.
func (r *Receiving) OnMyEvent(s *namespace.Socket, e MyEvent) string {
	return "got " + e.Data
}

// OnAdd takes several arguments: socket.emit("add", 1, 2, callback).
func (r *Receiving) OnAdd(s *namespace.Socket, a, b int) int { return a + b }

// OnChatMessage handles "chat message", a name that is not snake_case.
func (r *Receiving) OnChatMessage(s *namespace.Socket, args ...any) int { return len(args) }

// EventNames maps methods to event names that are not snake_case.
func (r *Receiving) EventNames() map[string]string {
	return map[string]string{"OnChatMessage": "chat message"}
}

// --- Sending messages --------------------------------------------------------

// Sending shows the ways to send to one client.
type Sending struct{ namespace.Namespace }

// OnHello answers with a "message" and a custom event.
func (n *Sending) OnHello(s *namespace.Socket, name string) error {
	if err := s.Send("hello, " + name); err != nil { // the client's "message" event
		return err
	}
	return s.Emit("greeting", map[string]string{"to": name})
}

// OnAskMe asks the client a question and waits for its answer (its
// ack). The wait runs in a goroutine so the handler returns at once.
func (n *Sending) OnAskMe(s *namespace.Socket) {
	go func() {
		ctx, cancel := context.WithTimeout(s.Context(), 5*time.Second)
		defer cancel()
		reply, err := s.EmitWithAck(ctx, "question", "ready?")
		var answer string
		if err == nil {
			err = reply.Decode(&answer)
		}
		if err != nil {
			answer = "no answer: " + err.Error()
		}
		s.Emit("answered", answer)
	}()
}

// --- Broadcasting ------------------------------------------------------------

// Broadcasting sends to many clients at once.
type Broadcasting struct{ namespace.Namespace }

// OnShout sends to every client of the namespace, the sender included.
func (b *Broadcasting) OnShout(s *namespace.Socket, text string) error {
	return b.Emit("shout", text)
}

// OnTell sends to every client but the sender.
func (b *Broadcasting) OnTell(s *namespace.Socket, text string) error {
	return s.Broadcast().Emit("told", text)
}

// Announce broadcasts from outside any handler: an HTTP handler, a timer.
func Announce(a *app.App, text string) error {
	return a.Of("/broadcasting").Emit("announcement", text)
}

// --- Rooms -------------------------------------------------------------------

// Rooms groups clients.
type Rooms struct{ namespace.Namespace }

// OnJoin adds the client to a room and returns its rooms.
func (r *Rooms) OnJoin(s *namespace.Socket, room string) []string {
	s.Join(room)
	return s.Rooms() // its own room (its id) first
}

// OnLeave removes the client from a room.
func (r *Rooms) OnLeave(s *namespace.Socket, room string) { s.Leave(room) }

// RoomText is the payload of "to_room".
type RoomText struct {
	Room string `json:"room" validate:"required"`
	Text string `json:"text"`
}

// OnToRoom sends to a room: s.To skips the sender, r.To would not.
func (r *Rooms) OnToRoom(s *namespace.Socket, m RoomText) error {
	return s.To(m.Room).Emit("room_message", m.Text)
}

// OnCloseRoom makes every client leave a room.
func (r *Rooms) OnCloseRoom(s *namespace.Socket, room string) error {
	return r.CloseRoom(room)
}

// --- Connection events -------------------------------------------------------

// Connection checks clients as they connect.
type Connection struct{ namespace.Namespace }

// Auth is what the client passes as io(url, {auth: {...}}).
type Auth struct {
	Token string `json:"token"`
}

// OnConnect refuses a bad token: the client's connect_error gets the
// message and data. Emits from OnConnect reach the client right after
// its "connect".
func (c *Connection) OnConnect(s *namespace.Socket, auth Auth) error {
	if auth.Token != "secret" {
		return errors.Client("not authorized", map[string]string{"reason": "bad token"})
	}
	s.Set("user", "alice") // the socket's session, read back with s.Get
	return s.Emit("welcome", "hello alice")
}

// OnDisconnect runs when the client is gone, with the reason.
func (c *Connection) OnDisconnect(s *namespace.Socket, reason string) {
	log.Printf("%s left: %s", s.ID(), reason)
}

// --- Class-based namespaces --------------------------------------------------

// Orders is a namespace struct: its fields are its dependencies, its
// On* methods its events, Path its default path.
type Orders struct {
	namespace.Namespace
	prices map[string]int
}

// Path is where Register serves the struct when given no path.
func (o *Orders) Path() string { return "/orders" }

// EventNames gives "order:create" to OnCreate.
func (o *Orders) EventNames() map[string]string {
	return map[string]string{"OnCreate": "order:create"}
}

// OnCreate prices an order; a context.Context first parameter is
// canceled when the client disconnects.
func (o *Orders) OnCreate(ctx context.Context, s *namespace.Socket, item string) (int, error) {
	price, ok := o.prices[item]
	if !ok {
		return 0, errors.Client("unknown item", map[string]string{"item": item})
	}
	return price, nil
}

// OnAny receives the events no other method handles.
func (o *Orders) OnAny(s *namespace.Socket, event string, args []json.RawMessage) string {
	return "no handler for " + event
}

// --- Error handling ----------------------------------------------------------

// Errors shows validation, client errors and the namespace error handler.
type Errors struct{ namespace.Namespace }

// Post is validated before OnPost runs.
type Post struct {
	Title string `json:"title" validate:"required,max=20"`
}

// OnPost refuses one title with a client error the client may read.
func (e *Errors) OnPost(s *namespace.Socket, p Post) (string, error) {
	if p.Title == "forbidden" {
		return "", errors.Client("title not allowed", map[string]string{"title": p.Title})
	}
	return "posted " + p.Title, nil
}

// OnBug panics; the client gets an internal error, the process lives on.
func (e *Errors) OnBug(s *namespace.Socket) error { panic("oops") }

// OnError handles every error of this namespace; its result is the ack.
func (e *Errors) OnError(s *namespace.Socket, event string, err error) any {
	log.Printf("%s: %v", event, err)
	return errors.Wire(err, false) // {"error": {"code": ..., "message": ..., ...}}
}

// --- Quickstart, configuration and mounting -----------------------------------

// NewApp registers every namespace above: the test serves it.
func NewApp() (*app.App, error) {
	// The app's error handler serves namespaces without an OnError (in NewApp).
	a := app.New(app.Options{
		OnError: func(s *namespace.Socket, event string, err error) any {
			return errors.Wire(err, false)
		},
	})
	var err error
	for path, ns := range map[string]any{
		"/receiving": &Receiving{}, "/sending": &Sending{}, "/broadcasting": &Broadcasting{},
		"/rooms": &Rooms{}, "/connection": &Connection{}, "/errors": &Errors{},
	} {
		err = errors.Join(err, a.Register(ns, path))
	}
	err = errors.Join(err, a.Register(&Orders{prices: map[string]int{"tea": 3}})) // at "/orders"
	return a, err
}

// Configured shows the options: every zero value is a default.
func Configured() *app.App {
	return app.New(app.Options{
		Path: "/socket.io/", // where the app serves Socket.IO
		Engine: engine.Options{
			PingInterval:   25 * time.Second,
			PingTimeout:    20 * time.Second,
			MaxPayload:     1_000_000,                        // bytes per message or polling body
			Transports:     []string{"polling", "websocket"}, // nil: both
			MaxQueuedBytes: 4 << 20,                          // slow clients past it are disconnected
			CORS: engine.CORS{
				AllowedOrigins:   []string{"https://example.com"},
				AllowCredentials: true,
			},
		},
		AckTimeout: 10 * time.Second, // EmitWithAck's default wait
	})
}

// Msgpack serves the MessagePack parser: its clients must use it too.
func Msgpack() *app.App {
	return app.New(app.Options{Parser: app.ParserMsgpack})
}

// Mount serves Socket.IO beside the application's own routes with
// net/http.
func Mount(a *app.App) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", a)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	})
	return app.NewHTTPServer(":5000", mux) // then srv.ListenAndServe()
}
