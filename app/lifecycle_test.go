package app_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

type credentials struct {
	Token string `json:"token" validate:"required"`
}

// gate admits sockets with token "good" and records disconnections.
type gate struct {
	namespace.Namespace

	mu          sync.Mutex
	disconnects map[string][]string // socket id → reasons
	gone        chan string
}

func newGate() *gate { return &gate{disconnects: map[string][]string{}, gone: make(chan string, 8)} }

func (g *gate) OnConnect(s *sock, auth credentials) error {
	switch auth.Token {
	case "good":
		s.Set("user", "ann")
		return s.Emit("welcome", "hi ann")
	case "boom":
		return errors.New("database unreachable at 10.0.0.7")
	}
	return errors.Client("not authorized", map[string]any{"reason": "bad token", "retry": false})
}

func (g *gate) OnDisconnect(s *sock, reason string) {
	g.mu.Lock()
	g.disconnects[s.ID()] = append(g.disconnects[s.ID()], reason)
	g.mu.Unlock()
	g.gone <- reason
}

func (g *gate) OnWho(s *sock) string {
	user, _ := namespace.Value[string](s, "user")
	return user
}

func (g *gate) OnKickMe(s *sock) { s.Disconnect(false) }

func (g *gate) OnCloseMe(s *sock) { s.Disconnect(true) }

// reasons returns the reasons OnDisconnect got for socket id, after
// waiting for the first one.
func (g *gate) reasons(t *testing.T, id string) []string {
	t.Helper()
	select {
	case <-g.gone:
	case <-time.After(5 * time.Second):
		t.Fatal("OnDisconnect did not run")
	}
	time.Sleep(20 * time.Millisecond) // room for a wrong second call
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.disconnects[id]
}

func TestConnectRefused(t *testing.T) {
	tests := []struct {
		name    string
		auth    any
		debug   bool
		message string
		data    string
	}{
		{"client error", credentials{Token: "bad"}, false, "not authorized", `{"reason":"bad token","retry":false}`},
		{"validation", map[string]any{}, false, "validation failed", `{"code":"validation","fields":[{"field":"token","rule":"required"}]}`},
		{"no auth", nil, false, "validation failed", `{"code":"validation","fields":[{"field":"token","rule":"required"}]}`},
		{"internal hidden", credentials{Token: "boom"}, false, "internal server error", `{"code":"internal"}`},
		{"internal with debug", credentials{Token: "boom"}, true, "database unreachable at 10.0.0.7", `{"code":"internal"}`},
		{"bad auth JSON type", map[string]int{"token": 5}, false, `socketeer: event "connect" arg 0: json: cannot unmarshal number`, `{"code":"bad_request"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGate()
			a := newApp(t, g, "/gate", app.Options{Logf: func(string, ...any) {}, DebugOptions: discardTrace(), Debug: tt.debug})
			_, err := apptest.NewClient(a, "/gate", &apptest.Options{Auth: tt.auth})
			ce, ok := errors.AsType[*apptest.ConnectError](err)
			if !ok {
				t.Fatalf("NewClient error = %v, want a *ConnectError", err)
			}
			if !strings.HasPrefix(ce.Message, tt.message) || string(ce.Data) != tt.data {
				t.Errorf("refusal = %q %s, want %q %s", ce.Message, ce.Data, tt.message, tt.data)
			}
			if n := a.Of("/gate").Len(); n != 0 {
				t.Errorf("%d sockets left in the namespace", n)
			}
			select {
			case r := <-g.gone:
				t.Errorf("OnDisconnect ran (%q) for a refused socket", r)
			default:
			}
		})
	}
}

func TestConnectAccepted(t *testing.T) {
	g := newGate()
	a := newApp(t, g, "/gate", app.Options{})
	c := apptest.Connect(t, a, "/gate", &apptest.Options{Auth: credentials{Token: "good"}})
	if c.ID() == "" || !c.Connected() {
		t.Fatalf("client id %q connected %v", c.ID(), c.Connected())
	}
	got := c.Received()
	if len(got) != 1 || got[0].Name != "welcome" || string(got[0].Args[0]) != `"hi ann"` {
		t.Errorf("received %v, want the welcome emitted from OnConnect", got)
	}
	if who := ack(t, c, "who"); who != `["ann"]` {
		t.Errorf("session value set in OnConnect: %s", who)
	}
}

func TestOnDisconnectReasons(t *testing.T) {
	tests := []struct {
		name string
		end  func(t *testing.T, c *apptest.Client)
		want string
	}{
		{"client", func(t *testing.T, c *apptest.Client) { c.Disconnect() }, router.ReasonClientDisconnect},
		{"server", func(t *testing.T, c *apptest.Client) { c.Emit("kick_me") }, router.ReasonServerDisconnect},
		{"server closes the connection", func(t *testing.T, c *apptest.Client) { c.Emit("close_me") }, router.ReasonServerDisconnect},
		{"transport", func(t *testing.T, c *apptest.Client) { c.Close() }, "transport close"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGate()
			a := newApp(t, g, "/gate", app.Options{})
			c := apptest.Connect(t, a, "/gate", &apptest.Options{Auth: credentials{Token: "good"}})
			tt.end(t, c)
			if got := g.reasons(t, c.ID()); !slices.Equal(got, []string{tt.want}) {
				t.Errorf("OnDisconnect reasons = %q, want exactly [%q]", got, tt.want)
			}
			if c.Connected() {
				t.Error("client still connected")
			}
			if n := a.Of("/gate").Len(); n != 0 {
				t.Errorf("%d sockets left", n)
			}
			c.Close()
			if err := c.Emit("who"); !errors.Is(err, apptest.ErrDisconnected) {
				t.Errorf("Emit after the end: %v, want ErrDisconnected", err)
			}
		})
	}
}

// trail records what middleware and handlers saw, in order.
type trail struct {
	mu    sync.Mutex
	steps []string
}

func (tr *trail) add(s string) { tr.mu.Lock(); tr.steps = append(tr.steps, s); tr.mu.Unlock() }

func (tr *trail) take() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	out := tr.steps
	tr.steps = nil
	return out
}

func (tr *trail) mw(tag string) router.Middleware {
	return func(next router.Handler) router.Handler {
		return func(ctx context.Context, s *sock, e *router.Event) (router.Result, error) {
			tr.add(tag + ">" + e.Name)
			res, err := next(ctx, s, e)
			tr.add(tag + "<" + e.Name)
			return res, err
		}
	}
}

// guarded is the namespace the middleware tests use.
type guarded struct{ tr *trail }

func (g *guarded) OnConnect(s *sock) error                      { g.tr.add("OnConnect"); return nil }
func (g *guarded) OnHello(s *sock) string                       { g.tr.add("OnHello"); return "hello" }
func (g *guarded) OnSecret(s *sock) string                      { g.tr.add("OnSecret"); return "secret" }
func (g *guarded) OnDisconnect(s *sock)                         {}
func (g *guarded) OnError(s *sock, event string, err error) any { return errors.Wire(err, false) }

// guardedMW is guarded with middleware of its own.
type guardedMW struct{ guarded }

func (g *guardedMW) Middleware() []router.Middleware {
	return []router.Middleware{g.tr.mw("ns"), func(next router.Handler) router.Handler {
		return func(ctx context.Context, s *sock, e *router.Event) (router.Result, error) {
			switch {
			case e.Name == "connect" && string(e.Args[0]) == `{"banned":true}`:
				return router.Result{}, errors.Client("banned", nil)
			case e.Name == "secret":
				return router.Result{}, errors.Client("forbidden", nil)
			}
			return next(ctx, s, e)
		}
	}}
}

func TestMiddleware(t *testing.T) {
	tr := &trail{}
	a := app.New(app.Options{Middleware: []router.Middleware{tr.mw("app1"), tr.mw("app2")}})
	for _, err := range []error{
		a.Register(&guardedMW{guarded{tr}}, "/g"),
		a.Register(&guarded{tr}, "/other"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	c := apptest.Connect(t, a, "/g", nil)
	want := []string{"app1>connect", "app2>connect", "ns>connect", "OnConnect", "ns<connect", "app2<connect", "app1<connect"}
	if got := tr.take(); !slices.Equal(got, want) {
		t.Errorf("connect chain = %q\nwant %q", got, want)
	}
	if got := ack(t, c, "hello"); got != `["hello"]` {
		t.Errorf("hello ack = %s", got)
	}
	want = []string{"app1>hello", "app2>hello", "ns>hello", "OnHello", "ns<hello", "app2<hello", "app1<hello"}
	if got := tr.take(); !slices.Equal(got, want) {
		t.Errorf("event chain = %q\nwant %q", got, want)
	}
	if got := ack(t, c, "secret"); got != `[{"error":{"code":"client","message":"forbidden"}}]` {
		t.Errorf("refused event ack = %s", got)
	}
	if got := tr.take(); slices.Contains(got, "OnSecret") {
		t.Errorf("the refused event reached its handler: %q", got)
	}
	_, err := apptest.NewClient(a, "/g", &apptest.Options{Auth: map[string]bool{"banned": true}})
	if ce, ok := errors.AsType[*apptest.ConnectError](err); !ok || ce.Message != "banned" {
		t.Errorf("banned connect: %v", err)
	}
	tr.take()
	apptest.Connect(t, a, "/other", nil)
	want = []string{"app1>connect", "app2>connect", "OnConnect", "app2<connect", "app1<connect"}
	if got := tr.take(); !slices.Equal(got, want) {
		t.Errorf("/other connect chain = %q\nwant %q (no /g middleware)", got, want)
	}
}

// catchAll has one event method and OnAny for the rest.
type catchAll struct {
	mu  sync.Mutex
	got []string
}

func (c *catchAll) OnKnown(s *sock) string { return "known" }
func (c *catchAll) OnAny(s *sock, event string, args []json.RawMessage) (string, int) {
	c.mu.Lock()
	c.got = append(c.got, event)
	c.mu.Unlock()
	return event, len(args)
}

type noCatchAll struct{}

func (*noCatchAll) OnKnown(s *sock) string { return "known" }

func TestOnAny(t *testing.T) {
	ca := &catchAll{}
	a := newApp(t, ca, "/", app.Options{})
	c := apptest.Connect(t, a, "/", nil)
	if got := ack(t, c, "known"); got != `["known"]` {
		t.Errorf("known = %s", got)
	}
	if got := ack(t, c, "order:create", 1, []byte{2}, "x"); got != `["order:create",3]` {
		t.Errorf("unknown event through OnAny = %s", got)
	}
	if !slices.Equal(ca.got, []string{"order:create"}) {
		t.Errorf("OnAny saw %q", ca.got)
	}

	b := newApp(t, &noCatchAll{}, "/", app.Options{})
	d := apptest.Connect(t, b, "/", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := d.EmitWithAck(ctx, "nobody"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("unknown event without OnAny: %v, want no ack", err)
	}
	if !d.Connected() || ack(t, d, "known") != `["known"]` {
		t.Error("an unknown event broke the connection")
	}
}
