// Command bench is the Socketeer server of the side-by-side benchmark: it
// follows the contract of the benchmark suite (kept outside this
// repository) on the public API, like any user program. See README.md.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/namespace"
)

// Bench is namespace "/": every socket joins room "bench".
type Bench struct{ namespace.Namespace }

// OnConnect puts the socket in room "bench" before the CONNECT reply.
func (b *Bench) OnConnect(s *namespace.Socket) error {
	s.Join("bench")
	return nil
}

// OnEcho acknowledges with the args, unchanged.
func (b *Bench) OnEcho(s *namespace.Socket, args ...json.RawMessage) namespace.RawArgs {
	return args
}

// OnBroadcast sends the payload to room "bench", the sender included.
func (b *Bench) OnBroadcast(s *namespace.Socket, args ...json.RawMessage) error {
	if len(args) == 0 {
		return nil
	}
	return b.To("bench").Emit("msg", args[0])
}

// OnJoin puts the socket in the rooms listed and acknowledges with how many
// it joined: the room-heavy run of internal/clusterbench (not part of the
// side-by-side contract).
func (b *Bench) OnJoin(s *namespace.Socket, rooms []string) int {
	s.Join(rooms...)
	return len(rooms)
}

// OnRoomcast sends the payload to one room as "msg": the room-heavy run
// sends one per room.
func (b *Bench) OnRoomcast(s *namespace.Socket, room string, payload json.RawMessage) error {
	return b.To(room).Emit("msg", payload)
}

func newApp() (*app.App, error) {
	o := app.Options{Engine: engine.Options{
		PingInterval: 25 * time.Second,
		PingTimeout:  20 * time.Second,
		MaxPayload:   1_000_000,
		CORS:         engine.CORS{AllowedOrigins: []string{"*"}},
	}}
	if err := withRedis(&o); err != nil {
		return nil, err
	}
	if err := withRecovery(&o); err != nil {
		return nil, err
	}
	switch p := os.Getenv("PARSER"); p {
	case "", "default":
	case "msgpack":
		o.Parser = app.ParserMsgpack
	default:
		return nil, fmt.Errorf("PARSER=%q: want default or msgpack", p)
	}
	a := app.New(o)
	return a, a.Register(&Bench{})
}

// withRecovery switches connection state recovery on, with the window
// RECOVERY gives as a Go duration ("2m"), when it is set: the harness
// measures what recovery costs by running with RECOVERY set and unset.
func withRecovery(o *app.Options) error {
	v := os.Getenv("RECOVERY")
	if v == "" {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("RECOVERY=%q: want a positive Go duration such as 2m", v)
	}
	o.Recovery = &app.Recovery{Window: d}
	return nil
}

func main() {
	host, port := os.Getenv("HOST"), os.Getenv("PORT")
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = "3000"
	}
	servePprof()
	a, err := newApp()
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Printf("bench server on %s:%s", host, port)
	if err := a.ListenAndServe(ctx, net.JoinHostPort(host, port), nil); err != nil {
		log.Fatal(err)
	}
}
