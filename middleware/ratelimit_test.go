package middleware_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/middleware"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Counter counts the pings it handles and the rate-limit errors it sees.
type Counter struct {
	namespace.Namespace
	handled, limited atomic.Int64
}

func (c *Counter) OnPing(s *namespace.Socket) string { c.handled.Add(1); return "pong" }

func (c *Counter) OnError(s *namespace.Socket, event string, err error) any {
	if errors.Is(err, middleware.ErrRateLimited) {
		c.limited.Add(1)
	}
	return errors.Wire(err, false)
}

func newApp(t *testing.T, mw ...router.Middleware) (*app.App, *Counter) {
	t.Helper()
	a := app.New(app.Options{Middleware: mw})
	c := &Counter{}
	if err := a.Register(c); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		a.Shutdown(ctx)
	})
	return a, c
}

func TestRateLimit(t *testing.T) {
	tests := []struct {
		name        string
		perSecond   float64
		burst       int
		sends       int
		gap         time.Duration
		wantHandled int
	}{
		{"burst then refused", 1, 5, 8, 0, 5},
		{"burst below 1 counts as 1", 1, 0, 3, 0, 1},
		{"refill at the rate", 50, 1, 5, 30 * time.Millisecond, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, c := newApp(t, middleware.RateLimit(tt.perSecond, tt.burst))
			cl := apptest.Connect(t, a, "/", nil)
			defer cl.Close()
			ctx := context.Background()
			var refused int
			for range tt.sends {
				r, err := cl.EmitWithAck(ctx, "ping")
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Args) == 1 && strings.Contains(string(r.Args[0]), `"rate limit exceeded"`) {
					refused++
					if got := string(r.Args[0]); !strings.Contains(got, `"code":"client"`) {
						t.Errorf("refusal %s is not a client error", got)
					}
				}
				time.Sleep(tt.gap)
			}
			if got := int(c.handled.Load()); got != tt.wantHandled {
				t.Errorf("handled %d, want %d", got, tt.wantHandled)
			}
			if refused != tt.sends-tt.wantHandled || int(c.limited.Load()) != refused {
				t.Errorf("refused %d acks, error handler saw %d, want %d", refused, c.limited.Load(), tt.sends-tt.wantHandled)
			}
		})
	}
}

// TestRateLimitPerSocket: each socket has its own bucket, and connects are
// not counted.
func TestRateLimitPerSocket(t *testing.T) {
	a, c := newApp(t, middleware.RateLimit(0.001, 2))
	for range 3 {
		cl := apptest.Connect(t, a, "/", nil)
		for range 3 {
			cl.Emit("ping")
		}
		cl.Close()
	}
	if got := c.handled.Load(); got != 6 {
		t.Errorf("handled %d, want 2 per socket = 6", got)
	}
}

func TestRateLimitPanicsOnBadRate(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a zero rate")
		}
	}()
	middleware.RateLimit(0, 1)
}

func BenchmarkRateLimit(b *testing.B) {
	a := app.New(app.Options{Middleware: []router.Middleware{middleware.RateLimit(1e12, 1<<30)}})
	c := &Counter{}
	a.Register(c)
	cl := apptest.Connect(b, a, "/", nil)
	defer cl.Close()
	b.ReportAllocs()
	for b.Loop() {
		cl.Emit("ping")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	a.Shutdown(ctx)
}
