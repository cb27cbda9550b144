package dispatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/router"
)

// keeper is a namespace whose handler keeps the args it is given.
type keeper struct{ kept [][]json.RawMessage }

func (k *keeper) OnKeep(s *sock, args ...json.RawMessage) bool {
	k.kept = append(k.kept, args)
	return true
}

// TestEventsKeptAfterReturn checks that what user code is handed for an
// event stays intact once the handler returned and more events came: the
// args a handler keeps, and the router.Event a middleware keeps (the
// router reuses its router.Event only when no middleware sees it).
func TestEventsKeptAfterReturn(t *testing.T) {
	for _, tc := range []struct {
		name       string
		middleware bool
	}{
		{"no middleware", false},
		{"middleware keeping the event", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var events []*router.Event
			var o dispatch.Options
			if tc.middleware {
				o.Middleware = []router.Middleware{func(next router.Handler) router.Handler {
					return func(ctx context.Context, s *sock, e *router.Event) (router.Result, error) {
						if e.Name != "connect" {
							events = append(events, e)
						}
						return next(ctx, s, e)
					}
				}}
			}
			k := &keeper{}
			h := newHarness(t, k, o, true)
			const n = 5
			for i := range n {
				h.recv.OnMessage(fmt.Appendf(nil, `2%d["keep",{"n":%d},"s%d"]`, i, i, i), false)
			}
			if len(k.kept) != n || (tc.middleware && len(events) != n) {
				t.Fatalf("%d args and %d events kept, want %d", len(k.kept), len(events), n)
			}
			for i, args := range k.kept {
				want := fmt.Sprintf(`[{"n":%d} "s%d"]`, i, i)
				if got := fmt.Sprintf("%s", args); got != want {
					t.Errorf("args of event %d = %s, want %s", i, got, want)
				}
				if !tc.middleware {
					continue
				}
				if e := events[i]; e.Name != "keep" || e.AckID != int64(i) || fmt.Sprintf("%s", e.Args) != want {
					t.Errorf("event %d kept by the middleware = %q %d %s, want keep %d %s", i, e.Name, e.AckID, e.Args, i, want)
				}
			}
		})
	}
}
