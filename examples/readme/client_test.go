package readme

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/socketeer/socketeer/client"
)

// README: Go client

// Bot handles the events of namespace "/sending" with methods, as a
// namespace struct does on the server.
type Bot struct{ answered chan string }

// OnQuestion answers the server's question: the result is the ack.
func (b *Bot) OnQuestion(s *client.Socket, q string) string { return "yes" }

// OnAnswered receives what the server made of the answer.
func (b *Bot) OnAnswered(s *client.Socket, answer string) { b.answered <- answer }

func Example_goClient() {
	a, _ := NewApp()
	srv := httptest.NewServer(a) // any Socket.IO v4 server: Socketeer, Node, python-socketio
	defer srv.Close()
	defer a.Shutdown(context.Background())

	m, err := client.NewManager(srv.URL, client.Options{}) // polling upgraded to websocket, reconnecting
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	s := m.Socket("/sending", client.SocketOptions{Auth: map[string]string{"token": "123"}})
	bot := &Bot{answered: make(chan string, 1)}
	if err := s.Register(bot); err != nil { // checks every On<Event> method now
		log.Fatal(err)
	}
	s.On("greeting", func(g map[string]string) { fmt.Println("greeting to", g["to"]) })

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	s.Emit("hello", "gopher")
	s.Emit("ask_me")
	fmt.Println("answered:", <-bot.answered)

	m2, _ := client.NewManager(srv.URL, client.Options{Transports: []client.Transport{client.WebSocket}})
	defer m2.Close()
	r := m2.Socket("/receiving", client.SocketOptions{}) // emits wait in a buffer until Connect
	if err := r.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	reply, err := r.EmitWithAck(ctx, "add", 1, 2)
	var sum int
	if err == nil {
		err = reply.Decode(&sum)
	}
	fmt.Println("sum:", sum, err)
	// Output:
	// greeting to gopher
	// answered: yes
	// sum: 3 <nil>
}

// README: end
