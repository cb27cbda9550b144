// Package clientcheck is the list of checks that package client passes
// against any server following the /socket.io/ part of
// ../shared/docs/conformance.md: examples/client runs it from the command
// line and the client's interop tests run it against Socketeer, Node's
// socket.io and python-socketio.
package clientcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"time"

	"github.com/socketeer/socketeer/client"
	"github.com/socketeer/socketeer/errors"
)

// Mode is a way to use the transports.
type Mode struct {
	Name       string
	Transports []client.Transport
}

// Modes returns the three ways every check runs: websocket only, polling
// only, and polling upgraded to websocket.
func Modes() []Mode {
	return []Mode{
		{"websocket", []client.Transport{client.WebSocket}},
		{"polling", []client.Transport{client.Polling}},
		{"upgrade", []client.Transport{client.Polling, client.WebSocket}},
	}
}

// Check is one check: it connects to the server at url with the given
// options and returns what went wrong.
type Check struct {
	Name string
	Run  func(ctx context.Context, url string, o client.Options) error
}

// Checks returns the checks, in the order they run.
func Checks() []Check {
	return []Check{
		{"connect / with auth, auth comes back", checkAuth},
		{"message comes back as message-back", checkMessage},
		{"binary message comes back as message-back", checkBinaryMessage},
		{"message-with-ack is acknowledged", checkAck},
		{"binary message-with-ack is acknowledged", checkBinaryAck},
		{"connect /custom with auth, auth comes back", checkCustom},
		{"connect /random fails with Invalid namespace", checkRandom},
		{"polling upgrades to websocket (or stays, per mode)", checkTransport},
	}
}

// Run runs every check in every mode against url, writes one line per
// check to w and then "N passed, M failed", and returns the counts. Each
// check has timeout to finish.
func Run(ctx context.Context, url string, w io.Writer, timeout time.Duration) (passed, failed int) {
	for _, m := range Modes() {
		for _, c := range Checks() {
			cctx, cancel := context.WithTimeout(ctx, timeout)
			err := c.Run(cctx, url, client.Options{Transports: m.Transports, NoReconnect: true})
			cancel()
			if err != nil {
				failed++
				fmt.Fprintf(w, "FAIL %-9s %s: %v\n", m.Name, c.Name, err)
			} else {
				passed++
				fmt.Fprintf(w, "ok   %-9s %s\n", m.Name, c.Name)
			}
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
	return passed, failed
}

// session is one check's connection: a Manager and the events received.
type session struct {
	m      *client.Manager
	events chan event
}

type event struct {
	name string
	args []any
}

// open connects a socket of nsp with auth and records the events named.
func open(ctx context.Context, url string, o client.Options, nsp string, auth any, names ...string) (*session, *client.Socket, error) {
	m, err := client.NewManager(url, o)
	if err != nil {
		return nil, nil, err
	}
	ss := &session{m: m, events: make(chan event, 16)}
	s := m.Socket(nsp, client.SocketOptions{Auth: auth})
	for _, name := range names {
		s.On(name, func(args ...any) { ss.events <- event{name, args} })
	}
	if err := s.Connect(ctx); err != nil {
		m.Close()
		return nil, nil, fmt.Errorf("connect %s: %w", nsp, err)
	}
	return ss, s, nil
}

// next waits for the next recorded event, which must be name.
func (ss *session) next(ctx context.Context, name string) ([]any, error) {
	select {
	case e := <-ss.events:
		if e.name != name {
			return nil, fmt.Errorf("got event %q, want %q", e.name, name)
		}
		return e.args, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("no %q event: %w", name, ctx.Err())
	}
}

// same compares received args with what was sent, after a JSON round trip
// of the sent values ([]byte values stay []byte on both sides).
func same(got []any, want ...any) error {
	w := normalize(want)
	if !reflect.DeepEqual(got, w) {
		return fmt.Errorf("got %s, want %s", show(got), show(w))
	}
	return nil
}

// normalize returns v as decoding its JSON into an any would, keeping
// []byte values.
func normalize(v any) any {
	switch v := v.(type) {
	case []byte:
		return v
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = normalize(e)
		}
		return out
	}
	b, _ := json.Marshal(v)
	var out any
	json.Unmarshal(b, &out)
	return out
}

// show formats values for a failure message, []byte in hex.
func show(v any) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%v", v)
	return b.String()
}

// plainArgs are the args of conformance.md: 1, "2", {"3": [false]}.
func plainArgs() []any { return []any{1, "2", map[string]any{"3": []any{false}}} }

// binArgs hold binary values, at the top and nested.
func binArgs() []any {
	return []any{[]byte{1, 2, 3}, map[string]any{"nested": []any{[]byte{4, 5}, "x"}}}
}

func checkAuth(ctx context.Context, url string, o client.Options) error {
	ss, _, err := open(ctx, url, o, "/", map[string]any{"token": "123"}, "auth")
	if err != nil {
		return err
	}
	defer ss.m.Close()
	args, err := ss.next(ctx, "auth")
	if err != nil {
		return err
	}
	return same(args, map[string]any{"token": "123"})
}

// echo emits "message" with args and expects them back.
func echo(ctx context.Context, url string, o client.Options, args []any) error {
	ss, s, err := open(ctx, url, o, "/", nil, "auth", "message-back")
	if err != nil {
		return err
	}
	defer ss.m.Close()
	if _, err := ss.next(ctx, "auth"); err != nil {
		return err
	}
	if err := s.Emit("message", args...); err != nil {
		return err
	}
	got, err := ss.next(ctx, "message-back")
	if err != nil {
		return err
	}
	return same(got, args...)
}

func checkMessage(ctx context.Context, url string, o client.Options) error {
	return echo(ctx, url, o, plainArgs())
}

func checkBinaryMessage(ctx context.Context, url string, o client.Options) error {
	return echo(ctx, url, o, binArgs())
}

// ack emits "message-with-ack" with args and expects them as the ack.
func ack(ctx context.Context, url string, o client.Options, args []any) error {
	ss, s, err := open(ctx, url, o, "/", nil)
	if err != nil {
		return err
	}
	defer ss.m.Close()
	r, err := s.EmitWithAck(ctx, "message-with-ack", args...)
	if err != nil {
		return err
	}
	got := make([]any, r.Len())
	ptrs := make([]any, r.Len())
	for i := range got {
		ptrs[i] = &got[i]
	}
	if err := r.Decode(ptrs...); err != nil {
		return err
	}
	return same(got, args...)
}

func checkAck(ctx context.Context, url string, o client.Options) error {
	return ack(ctx, url, o, plainArgs())
}

func checkBinaryAck(ctx context.Context, url string, o client.Options) error {
	return ack(ctx, url, o, binArgs())
}

func checkCustom(ctx context.Context, url string, o client.Options) error {
	ss, _, err := open(ctx, url, o, "/custom", map[string]any{"token": "abc"}, "auth")
	if err != nil {
		return err
	}
	defer ss.m.Close()
	args, err := ss.next(ctx, "auth")
	if err != nil {
		return err
	}
	return same(args, map[string]any{"token": "abc"})
}

func checkRandom(ctx context.Context, url string, o client.Options) error {
	ss, _, err := open(ctx, url, o, "/random", nil)
	if err == nil {
		ss.m.Close()
		return fmt.Errorf("connected to /random")
	}
	ce, ok := errors.AsType[*client.ConnectError](err)
	if !ok || !errors.Is(err, client.ErrConnectRefused) {
		return fmt.Errorf("want a *client.ConnectError, got %w", err)
	}
	if ce.Message != "Invalid namespace" {
		return fmt.Errorf("message %q, want %q", ce.Message, "Invalid namespace")
	}
	return nil
}

// checkTransport checks that the connection ends up on the expected
// transport: websocket when it may upgrade, else the only one.
func checkTransport(ctx context.Context, url string, o client.Options) error {
	ss, _, err := open(ctx, url, o, "/", nil)
	if err != nil {
		return err
	}
	defer ss.m.Close()
	want := o.Transports[len(o.Transports)-1]
	for {
		if got := ss.m.Transport(); got == want {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("transport %q, want %q", ss.m.Transport(), want)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
