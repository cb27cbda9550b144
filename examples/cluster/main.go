// Command cluster is the browser chat of examples/chat run as one of
// several nodes behind a load balancer, joined by Redis: a message sent on
// any node reaches the pages of every node, rooms span the nodes, and a
// page whose node stops reconnects to another. See README.md to start
// three nodes and nginx.
//
//	PORT=8001 NODE_NAME=n1 REDIS_URL=redis://127.0.0.1:6379 go run ./examples/cluster
//
// Flags override the environment: -port, -redis, -key, -name. HOST sets
// the address to listen on (default: every interface).
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/examples/internal/chat"
	"github.com/socketeer/socketeer/examples/internal/redisadapter"
)

// recoveryWindow is how long a page that lost its connection keeps its
// place, when the adapter can recover sockets (docs/recovery.md).
const recoveryWindow = 2 * time.Minute

// newAdapter returns the Redis adapter that kind (REDIS_ADAPTER) names on
// rdb with channel prefix key ("" for the default), and whether it can
// recover sockets across nodes: "" and "pubsub" are the classic pub/sub
// adapter, which cannot; "streams" is the Redis Streams adapter, which can.
func newAdapter(kind string, rdb redis.UniversalClient, key string) (adapter.Factory, bool, error) {
	f, err := redisadapter.New(kind, rdb, key)
	return f, err == nil && kind == "streams", err
}

// newApp returns the chat app of node name with the adapter f, recovery on
// when the adapter can recover sockets, and the "io" session cookie for
// load balancers that stick on a cookie.
func newApp(f adapter.Factory, recovers bool, name string) (*app.App, error) {
	o := app.Options{
		Adapter: f,
		Logf:    log.Printf,
		Engine: engine.Options{
			Cookie: &http.Cookie{Name: "io", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode},
		},
	}
	if recovers {
		o.Recovery = &app.Recovery{Window: recoveryWindow}
	}
	a := app.New(o)
	if err := a.Register(chat.New(log.Printf, recovers, name), "/"); err != nil {
		return nil, err
	}
	return a, nil
}

// routes serves the chat page, its files and Socket.IO, each response
// naming the node in an X-Chat-Node header.
func routes(a *app.App, name string) http.Handler {
	mux := http.NewServeMux()
	chat.Mount(mux, a, "Socketeer cluster chat")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Chat-Node", name)
		mux.ServeHTTP(w, r)
	})
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
	name := flag.String("name", env("NODE_NAME", "node-"+env("PORT", "8000")), "node name shown in the pages (env NODE_NAME)")
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
	f, recovers, err := newAdapter(os.Getenv("REDIS_ADAPTER"), rdb, *key)
	if err != nil {
		log.Fatal(err)
	}
	a, err := newApp(f, recovers, *name)
	if err != nil {
		log.Fatal(err) // Redis unreachable: the adapter factory says so
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(os.Getenv("HOST"), *port))
	if err != nil {
		log.Fatal(err)
	}
	srv := app.NewHTTPServer(ln.Addr().String(), routes(a, *name))
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	log.Printf("%s serving the chat on %s, Redis %s", *name, ln.Addr(), ropts.Addr)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a.Shutdown(ctx)
	srv.Shutdown(ctx)
}
