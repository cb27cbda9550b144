package readme

import (
	"context"
	"testing"

	"github.com/socketeer/socketeer/apptest"
)

// README: Testing (apptest, Flask-SocketIO's test_client)
func TestPost(t *testing.T) {
	a, err := NewApp()
	if err != nil {
		t.Fatal(err)
	}
	c := apptest.Connect(t, a, "/errors", nil) // in-process: no network
	reply, err := c.EmitWithAck(context.Background(), "post", Post{Title: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := reply.Decode(&got); err != nil || got != "posted hello" {
		t.Fatalf("ack = %q, %v; want %q", got, err, "posted hello")
	}
}

// README: end
