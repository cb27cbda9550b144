// Command cluster is a chat server meant to run as several nodes behind a
// load balancer, joined by Redis: a message sent to any node reaches the
// clients of every node. See README.md to start three nodes and nginx.
//
//	PORT=8001 REDIS_URL=redis://127.0.0.1:6379 go run ./examples/cluster
//
// Flags override the environment: -port, -redis, -key, -name.
// REDIS_ADAPTER=streams uses the Redis Streams adapter instead of pub/sub.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/examples/internal/redisadapter"
	"github.com/socketeer/socketeer/namespace"
)

// Chat is namespace "/": a chat room for everyone plus named rooms.
type Chat struct {
	namespace.Namespace
	node string
}

// message is what clients receive as the "message" event.
type message struct {
	From string `json:"from"`
	Node string `json:"node"`
	Room string `json:"room,omitempty"`
	Text string `json:"text"`
}

// OnMessage sends text to every client of every node.
func (c *Chat) OnMessage(s *namespace.Socket, text string) error {
	return c.Emit("message", message{From: s.ID(), Node: c.node, Text: text})
}

// OnJoin puts the client in room and acknowledges with the node's name.
func (c *Chat) OnJoin(s *namespace.Socket, room string) string {
	s.Join(room)
	return c.node
}

// OnRoomMessage sends text to the other clients of room, on every node.
func (c *Chat) OnRoomMessage(s *namespace.Socket, room, text string) error {
	return s.To(room).Emit("message", message{From: s.ID(), Node: c.node, Room: room, Text: text})
}

// newApp returns the chat app of node name on rdb, with channel prefix key
// ("" for the default) and the "io" session cookie for sticky load
// balancers. REDIS_ADAPTER picks the adapter (pubsub or streams).
func newApp(rdb redis.UniversalClient, key, name string) (*app.App, error) {
	factory, err := redisadapter.New(os.Getenv("REDIS_ADAPTER"), rdb, key)
	if err != nil {
		return nil, err
	}
	a := app.New(app.Options{
		Adapter: factory,
		Engine: engine.Options{
			Cookie: &http.Cookie{Name: "io", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode},
		},
	})
	if err := a.Register(&Chat{node: name}, "/"); err != nil {
		return nil, err
	}
	return a, nil
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func main() {
	port := flag.String("port", env("PORT", "8000"), "port to listen on (env PORT)")
	redisURL := flag.String("redis", env("REDIS_URL", "redis://127.0.0.1:6379"), "Redis URL (env REDIS_URL)")
	key := flag.String("key", env("REDIS_KEY", ""), `channel prefix (env REDIS_KEY, default "socket.io")`)
	name := flag.String("name", env("NODE_NAME", "node-"+env("PORT", "8000")), "node name shown in messages (env NODE_NAME)")
	flag.Parse()

	ropts, err := redis.ParseURL(*redisURL)
	if err != nil {
		log.Fatalf("REDIS_URL: %v", err)
	}
	// REDIS_CLUSTER (host:port,host:port) joins a Redis Cluster instead,
	// for REDIS_ADAPTER=sharded.
	rdb, where, err := redisadapter.Client(*redisURL, os.Getenv("REDIS_CLUSTER"))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("using %s", where)
	defer rdb.Close()
	a, err := newApp(rdb, *key, *name)
	if err != nil {
		log.Fatal(err) // Redis unreachable: the adapter factory says so
	}
	srv := app.NewHTTPServer(":"+*port, a)
	go func() {
		if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	log.Printf("%s serving on :%s, Redis %s", *name, *port, ropts.Addr)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a.Shutdown(ctx)
	srv.Shutdown(ctx)
}
