package namespace_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	redisadapter "github.com/socketeer/socketeer/adapter/redis"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/namespace"
)

// Profile keeps each socket's user name in its session.
type Profile struct{ namespace.Namespace }

func (p *Profile) OnConnect(s *namespace.Socket, auth struct{ User string }) error {
	s.Set("user", auth.User)
	return nil
}

func (p *Profile) OnWhoami(s *namespace.Socket) (string, string) {
	user, _ := namespace.Value[string](s, "user")
	return user, s.Namespace().Name()
}

// A namespace struct embeds Namespace; registering it binds the embedded
// Namespace to the served path.
func ExampleNamespace() {
	p := &Profile{}
	a := app.New(app.Options{})
	if err := a.Register(p, "/profile"); err != nil {
		panic(err)
	}
	fmt.Println(p.Name())
	// Output:
	// /profile
}

// Set and Value keep per-socket data between events.
func ExampleValue() {
	a := app.New(app.Options{})
	a.Register(&Profile{}, "/profile")
	c, err := apptest.NewClient(a, "/profile", &apptest.Options{Auth: map[string]string{"User": "ann"}})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	reply, _ := c.EmitWithAck(context.Background(), "whoami")
	var user, nsp string
	reply.Decode(&user, &nsp)
	fmt.Println(user, nsp)
	// Output:
	// ann /profile
}

// Inventory answers the other nodes' questions about this one.
type Inventory struct{ namespace.Namespace }

// OnServerSideEmit answers "count" with the number of sockets on this
// node; an error means no answer, for events it does not know.
func (inv *Inventory) OnServerSideEmit(event string, args []json.RawMessage) (int, error) {
	if event != "count" {
		return 0, fmt.Errorf("unknown server-side event %q", event)
	}
	return inv.Len(), nil
}

// ServerSideEmitWithAck asks every other node of a cluster (Socketeer or
// Node socket.io servers on one Redis) and returns one Reply per node that
// answered: here, the sockets of the whole cluster are counted. It needs
// a multi-node adapter, so this example is not run by go test.
func ExampleNamespace_ServerSideEmitWithAck() {
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	inv := &Inventory{}
	a := app.New(app.Options{Adapter: redisadapter.New(rdb, redisadapter.Options{})})
	if err := a.Register(inv, "/"); err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	replies, err := inv.ServerSideEmitWithAck(ctx, "count")
	total := inv.Len()
	for _, r := range replies {
		var n int
		if r.Decode(&n) == nil {
			total += n
		}
	}
	// With a timeout error, replies holds the answers that came in time.
	fmt.Printf("%d sockets on %d nodes (%v)\n", total, 1+len(replies), err)
}
