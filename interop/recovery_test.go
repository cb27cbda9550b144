package interop_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/inproc"
	"github.com/socketeer/socketeer/internal/recovery"
	"github.com/socketeer/socketeer/internal/testenv"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

// recRoot is namespace "/" of the recovery tests, driven by recovery.js.
type recRoot struct {
	namespace.Namespace
	mu       sync.Mutex
	connects []bool   // Recovered() of each OnConnect
	expired  []string // "id name" of each OnRecoveryExpired
	mw       int      // connect middleware runs
	refuse   bool     // the middleware refuses recovered sockets
	logs     []string
}

func (r *recRoot) OnConnect(s *namespace.Socket) error {
	r.mu.Lock()
	r.connects = append(r.connects, s.Recovered())
	r.mu.Unlock()
	return s.Emit("welcome", s.Recovered())
}

func (r *recRoot) OnRecoveryExpired(id string, data map[string]any) {
	r.mu.Lock()
	r.expired = append(r.expired, fmt.Sprint(id, " ", data["name"]))
	r.mu.Unlock()
}

// OnSetup joins rooms r1, r2 and r3, leaves r3 and stores a name.
func (r *recRoot) OnSetup(s *namespace.Socket) []string {
	s.Join("r1", "r2", "r3")
	s.Leave("r3")
	s.Set("name", "alice")
	return s.Rooms()[1:]
}

func (r *recRoot) OnSync(s *namespace.Socket) bool { return true }

// OnFan emits "m" n to room (every socket when ""), with a binary arg.
func (r *recRoot) OnFan(s *namespace.Socket, room string, n int, bin bool) error {
	args := []any{n}
	if bin {
		args = append(args, []byte{byte(n), 0xff})
	}
	if room == "" {
		return r.Emit("m", args...)
	}
	return r.To(room).Emit("m", args...)
}

// OnDirect emits "m" n to socket id's own room.
func (r *recRoot) OnDirect(s *namespace.Socket, id string, n int) error {
	return r.To(id).Emit("m", n)
}

// OnOthers emits what a recovered socket must not get: to a room it
// left, and a volatile event.
func (r *recRoot) OnOthers(s *namespace.Socket) error {
	if err := r.To("r3").Emit("x", 0); err != nil {
		return err
	}
	return r.Volatile().Emit("v", 0)
}

// OnWaitGone waits until socket id is no longer connected.
func (r *recRoot) OnWaitGone(s *namespace.Socket, id string) bool {
	for range 200 {
		if r.Socket(id) == nil {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func (r *recRoot) OnWhoami(s *namespace.Socket) map[string]any {
	name, _ := s.Get("name")
	return map[string]any{"rooms": s.Rooms()[1:], "name": name, "recovered": s.Recovered()}
}

// OnFlood emits n events of 100 bytes to every socket.
func (r *recRoot) OnFlood(s *namespace.Socket, n int) error {
	pad := strings.Repeat("x", 100)
	for i := range n {
		if err := r.Emit("f", i, pad); err != nil {
			return err
		}
	}
	return nil
}

// OnStats reports the recovery log's size.
func (r *recRoot) OnStats(s *namespace.Socket) map[string]int {
	a, _ := inproc.Adapter(&r.Namespace).(*recovery.Adapter)
	if a == nil {
		return nil
	}
	p, b, n := a.Stats()
	return map[string]int{"packets": p, "bytes": b, "sessions": n}
}

func (r *recRoot) logf(format string, args ...any) {
	r.mu.Lock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

// runRecovery serves root with rec and runs recovery.js with env.
func runRecovery(t *testing.T, rec app.Recovery, env ...string) (*recRoot, map[string]json.RawMessage) {
	t.Helper()
	testenv.Node(t)
	root := &recRoot{refuse: slices.Contains(env, "MODE=refuse")}
	count := func(next router.Handler) router.Handler {
		return func(ctx context.Context, s *namespace.Socket, e *router.Event) (router.Result, error) {
			if e.Name == "connect" {
				root.mu.Lock()
				root.mw++
				refuse := root.refuse && s.Recovered()
				root.mu.Unlock()
				if refuse {
					return router.Result{}, errors.Client("come back later", nil)
				}
			}
			return next(ctx, s, e)
		}
	}
	a := app.New(app.Options{Recovery: &rec, Logf: root.logf, Middleware: []router.Middleware{count}})
	if err := a.Register(root, "/"); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(a)
	defer func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		a.Shutdown(ctx)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := testenv.RunNode(t, ctx, "js/recovery.js", append(env, "SERVER_URL="+ts.URL)...)
	steps := roomsSteps(t, out)
	if err != nil {
		t.Fatalf("recovery.js: %v\n%s", err, out)
	}
	return root, steps
}

// expectStep compares step's JSON with want's.
func expectStep(t *testing.T, steps map[string]json.RawMessage, step string, want any) {
	t.Helper()
	raw, ok := steps[step]
	if !ok {
		t.Errorf("step %s missing", step)
		return
	}
	got := reflect.New(reflect.TypeOf(want))
	if err := json.Unmarshal(raw, got.Interface()); err != nil {
		t.Errorf("step %s: %v: %s", step, err, raw)
		return
	}
	if !reflect.DeepEqual(got.Elem().Interface(), want) {
		t.Errorf("step %s = %s, want %v", step, raw, want)
	}
}

type recEvent struct {
	Event  string `json:"event"`
	Args   []any  `json:"args"`
	Offset bool   `json:"offset"`
}

// TestRecoveryNode recovers a socket.io-client socket twice in a row, on
// each transport: same id, rooms, data, and every missed event in order,
// exactly once, binary included, before the live ones.
func TestRecoveryNode(t *testing.T) {
	for _, tr := range []string{"websocket", "polling"} {
		t.Run(tr, func(t *testing.T) {
			root, steps := runRecovery(t, app.Recovery{}, "TRANSPORT="+tr)
			expectStep(t, steps, "first", map[string]any{"recovered": false, "pid": "string"})
			expectStep(t, steps, "setup", []string{"r1", "r2"})
			n := 2
			for _, round := range []string{"1", "2"} {
				expectStep(t, steps, "reason-"+round, "forced close") // the client closed its Engine.IO socket; the server saw a transport close
				var got struct {
					SameID    bool       `json:"sameId"`
					Recovered bool       `json:"recovered"`
					Log       []recEvent `json:"log"`
				}
				roomsDecode(t, steps, "round-"+round, &got)
				if !got.SameID || !got.Recovered {
					t.Errorf("round %s: sameId %v recovered %v, want both", round, got.SameID, got.Recovered)
				}
				checkRound(t, round, got.Log, n)
				n += 5
				expectStep(t, steps, "whoami-"+round, map[string]any{"rooms": []any{"r1", "r2"}, "name": "alice", "recovered": true})
			}
			expectStep(t, steps, "after-disconnect", map[string]any{"sameId": false, "recovered": false})
			root.mu.Lock()
			defer root.mu.Unlock()
			// a, b, a recovered twice, a anew.
			if want := []bool{false, false, true, true, false}; !reflect.DeepEqual(root.connects, want) {
				t.Errorf("OnConnect saw Recovered() = %v, want %v", root.connects, want)
			}
			if root.mw != 5 {
				t.Errorf("connect middleware ran %d times, want 5 (SkipMiddlewares unset)", root.mw)
			}
		})
	}
}

// checkRound checks what a recovered socket got in one round: events n
// (room r1), n+1 (all, binary), n+2 (own room), then n+3 (room r2,
// racing with the recovery) and welcome in either order, then n+4 (live).
func checkRound(t *testing.T, round string, log []recEvent, n int) {
	t.Helper()
	var ms []float64
	welcome := -1
	for i, e := range log {
		switch e.Event {
		case "m":
			ms = append(ms, e.Args[0].(float64))
			if !e.Offset {
				t.Errorf("round %s: event %v has no offset", round, e)
			}
			if e.Args[0].(float64) == float64(n+1) {
				bin, _ := e.Args[1].(map[string]any)
				if want := fmt.Sprintf("%02xff", n+1); bin["$bin"] != want {
					t.Errorf("round %s: binary arg %v, want %s", round, e.Args[1], want)
				}
			}
		case "welcome":
			welcome = i
			if len(e.Args) != 1 || e.Args[0] != true {
				t.Errorf("round %s: welcome %v, want [true]", round, e.Args)
			}
		default:
			t.Errorf("round %s: got %v, which it must not", round, e)
		}
	}
	want := []float64{float64(n), float64(n + 1), float64(n + 2), float64(n + 3), float64(n + 4)}
	if !reflect.DeepEqual(ms, want) {
		t.Errorf("round %s: events %v, want %v in order, each once", round, ms, want)
	}
	if welcome < 3 {
		t.Errorf("round %s: welcome at %d, want after the 3 missed events: %v", round, welcome, log)
	}
}

// TestRecoverySkipMiddlewares runs OnConnect alone on recovery.
func TestRecoverySkipMiddlewares(t *testing.T) {
	root, steps := runRecovery(t, app.Recovery{SkipMiddlewares: true})
	expectStep(t, steps, "whoami-2", map[string]any{"rooms": []any{"r1", "r2"}, "name": "alice", "recovered": true})
	root.mu.Lock()
	defer root.mu.Unlock()
	if root.mw != 3 || len(root.connects) != 5 {
		t.Errorf("middleware ran %d times, OnConnect %d: want 3 and 5", root.mw, len(root.connects))
	}
}

// TestRecoveryExpired: past the window the client connects anew, and
// OnRecoveryExpired got the old socket's id and data.
func TestRecoveryExpired(t *testing.T) {
	root, steps := runRecovery(t, app.Recovery{Window: 300 * time.Millisecond}, "MODE=expire", "WAIT_MS=800")
	expectStep(t, steps, "reason", "forced close") // the client closed its Engine.IO socket; the server saw a transport close
	expectStep(t, steps, "after", map[string]any{"sameId": false, "recovered": false})
	expectStep(t, steps, "whoami", map[string]any{"rooms": []any{}, "name": nil, "recovered": false})
	root.mu.Lock()
	defer root.mu.Unlock()
	if len(root.expired) != 1 || !strings.HasSuffix(root.expired[0], " alice") {
		t.Errorf("OnRecoveryExpired calls %q, want one for alice", root.expired)
	}
}

// TestRecoveryCaps: a client away while thousands of events go out is
// refused recovery when it missed more than its cap, the log stays under
// the global cap, and the log sink says why.
func TestRecoveryCaps(t *testing.T) {
	cases := []struct {
		name string
		rec  app.Recovery
		want string
	}{
		{"packets", app.Recovery{MaxPackets: 1000}, "more than 1000 packets"},
		{"bytes", app.Recovery{MaxBytes: 100_000}, "more than 100000 bytes"},
		{"total", app.Recovery{MaxTotalBytes: 200_000}, "dropped from the log"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root, steps := runRecovery(t, c.rec, "MODE=cap", "FLOOD=3000")
			expectStep(t, steps, "after", map[string]any{"sameId": false, "recovered": false})
			var st map[string]int
			roomsDecode(t, steps, "stats", &st)
			if c.rec.MaxTotalBytes > 0 && st["bytes"] > c.rec.MaxTotalBytes {
				t.Errorf("log holds %d bytes, over the cap of %d", st["bytes"], c.rec.MaxTotalBytes)
			}
			t.Logf("log after 3000 events: %v", st)
			root.mu.Lock()
			defer root.mu.Unlock()
			if !strings.Contains(strings.Join(root.logs, "\n"), c.want) {
				t.Errorf("log sink %q, want a line with %q", root.logs, c.want)
			}
			if len(root.expired) != 1 {
				t.Errorf("OnRecoveryExpired calls %q, want one", root.expired)
			}
		})
	}
}

// TestRecoveryRefused: middleware refusing a recovered socket makes the
// client's CONNECT fail, and ends the session: OnRecoveryExpired runs.
func TestRecoveryRefused(t *testing.T) {
	root, steps := runRecovery(t, app.Recovery{}, "MODE=refuse")
	expectStep(t, steps, "refused", "come back later")
	deadline := time.Now().Add(2 * time.Second)
	for {
		root.mu.Lock()
		n := len(root.expired)
		root.mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	root.mu.Lock()
	defer root.mu.Unlock()
	if len(root.expired) != 1 || !strings.HasSuffix(root.expired[0], " alice") {
		t.Errorf("OnRecoveryExpired calls %q, want one for alice", root.expired)
	}
}
