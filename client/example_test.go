package client_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/socketeer/socketeer/client"
	"github.com/socketeer/socketeer/errors"
)

// A socket of namespace "/" with auth: handlers first, then Connect, then
// emits and acknowledgements.
func ExampleManager() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := client.NewManager("http://127.0.0.1:3000", client.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	s := m.Socket("/", client.SocketOptions{Auth: map[string]string{"token": "123"}})
	s.On("message-back", func(args ...any) { fmt.Println("back:", args) })
	s.OnDisconnect(func(reason string) { log.Println("disconnected:", reason) })
	if err := s.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	s.Emit("message", 1, "2", map[string]any{"3": []bool{false}})
	reply, err := s.EmitWithAck(ctx, "message-with-ack", "hello", []byte{1, 2, 3})
	if err != nil {
		log.Fatal(err)
	}
	var word string
	var data []byte
	if err := reply.Decode(&word, &data); err != nil {
		log.Fatal(err)
	}
	fmt.Println(word, data)
}

// A handler's results acknowledge the server's event.
func ExampleSocket_On() {
	m, err := client.NewManager("http://127.0.0.1:3000", client.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	s := m.Socket("/", client.SocketOptions{})
	type Order struct {
		ID    int    `json:"id"`
		Items []byte `json:"items"`
	}
	err = s.On("order", func(ctx context.Context, o Order) (string, error) {
		return fmt.Sprintf("order %d received", o.ID), nil
	})
	fmt.Println(err)
	// Output: <nil>
}

// A refused namespace gives a *ConnectError with the server's message and
// data.
func ExampleConnectError() {
	ctx := context.Background()
	m, _ := client.NewManager("http://127.0.0.1:3000", client.Options{NoReconnect: true})
	defer m.Close()
	err := m.Socket("/admin", client.SocketOptions{}).Connect(ctx)
	var ce *client.ConnectError
	if errors.As(err, &ce) {
		fmt.Println(ce.Message, string(ce.Data))
	}
}
