package interop_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/inproc"
	"github.com/socketeer/socketeer/namespace"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Root is namespace "/" of the test app: the conformance server's
// handlers plus what the scripts need to drive the server side.
type Root struct {
	namespace.Namespace
	srv *server
}

// OnConnect sends the auth payload back, right after the CONNECT reply.
func (r *Root) OnConnect(s *namespace.Socket) error { return s.Emit("auth", s.Handshake().Auth) }

// OnMessage echoes args as "message-back", binary included.
func (r *Root) OnMessage(s *namespace.Socket, args ...any) error {
	return s.Emit("message-back", args...)
}

// OnMessageWithAck acknowledges with the same args.
func (r *Root) OnMessageWithAck(s *namespace.Socket, args ...any) namespace.Args { return args }

// OnSeq records a numbered event of a burst.
func (r *Root) OnSeq(s *namespace.Socket, i int) { r.srv.record(s.ID(), i) }

// OnSeqDone acknowledges with the numbers received so far, in order.
func (r *Root) OnSeqDone(s *namespace.Socket) []int { return r.srv.recorded(s.ID()) }

// OnBurst emits n numbered "srv-seq" events, one every pause.
func (r *Root) OnBurst(s *namespace.Socket, n int, pauseMS int) {
	r.srv.goroutines.Go(func() {
		for i := range n {
			if s.Emit("srv-seq", i) != nil {
				return
			}
			time.Sleep(time.Duration(pauseMS) * time.Millisecond)
		}
	})
}

// OnAsk asks the client a question with binary args and emits what the
// client acknowledged as "answer-was".
func (r *Root) OnAsk(s *namespace.Socket, n int) {
	r.srv.goroutines.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		reply, err := s.EmitWithAck(ctx, "question", n, []byte{1, 2, 3},
			map[string]any{"nested": []any{[]byte{4, 5}, "x"}})
		res := map[string]any{"args": reply.Args}
		if err != nil {
			res["err"] = err.Error()
		}
		r.srv.replies <- reply
		s.Emit("answer-was", res)
	})
}

// OnWhoami acknowledges with the socket id and its Engine.IO session id.
func (r *Root) OnWhoami(s *namespace.Socket) map[string]string {
	return map[string]string{"id": s.ID(), "engine": s.EngineID(), "nsp": s.Namespace().Name()}
}

// OnKickEngine closes the socket's Engine.IO session from the server.
func (r *Root) OnKickEngine(s *namespace.Socket) {
	r.srv.goroutines.Go(func() { r.srv.closeEngine(s.EngineID()) })
}

// OnKickSocket disconnects the socket from its namespace.
func (r *Root) OnKickSocket(s *namespace.Socket) {
	r.srv.goroutines.Go(func() { s.Disconnect(false) })
}

// OnDisconnect records why the socket left.
func (r *Root) OnDisconnect(s *namespace.Socket, reason string) {
	r.srv.mu.Lock()
	r.srv.reasons = append(r.srv.reasons, reason)
	r.srv.mu.Unlock()
}

// EventNames maps the events whose names are not snake_case.
func (r *Root) EventNames() map[string]string {
	return map[string]string{
		"OnMessageWithAck": "message-with-ack", "OnSeqDone": "seq-done",
		"OnKickEngine": "kick-engine", "OnKickSocket": "kick-socket",
	}
}

// Custom is namespace "/custom": auth back on connect, its own echo.
type Custom struct{ namespace.Namespace }

// OnConnect sends the auth payload back.
func (c *Custom) OnConnect(s *namespace.Socket) error { return s.Emit("auth", s.Handshake().Auth) }

// OnMessage echoes args as "custom-back".
func (c *Custom) OnMessage(s *namespace.Socket, args ...any) error {
	return s.Emit("custom-back", args...)
}

// OnWhoami acknowledges with the socket id and its Engine.IO session id.
func (c *Custom) OnWhoami(s *namespace.Socket) map[string]string {
	return map[string]string{"id": s.ID(), "engine": s.EngineID(), "nsp": s.Namespace().Name()}
}

// Refuse is namespace "/refuse": it refuses every connection with a
// message and data.
type Refuse struct{ namespace.Namespace }

// OnConnect refuses.
func (r *Refuse) OnConnect(s *namespace.Socket) error {
	return errors.Client("not allowed here", map[string]any{"code": 4031, "retry": false})
}

// server is the test app on httptest. "/socket.io/" is the app itself;
// "/kick/" serves the same app through an engine.Server the test holds,
// so that it can close a client's Engine.IO session.
type server struct {
	t   *testing.T
	app *app.App
	ts  *httptest.Server
	url string

	mu       sync.Mutex
	seq      map[string][]int
	reasons  []string
	sessions map[string]*engine.Session

	replies    chan namespace.Reply
	goroutines sync.WaitGroup
}

// engineOptions: the real clients' websockets are read through the
// poller (on Linux), not by reader goroutines, so both paths meet them
// (the other interop tests use the default).
func engineOptions() engine.Options {
	return engine.Options{
		PingInterval:     500 * time.Millisecond,
		PingTimeout:      3 * time.Second,
		CORS:             engine.CORS{AllowedOrigins: []string{"*"}},
		ReaderGoroutines: -1,
	}
}

func newServer(t *testing.T) *server { return newServerWith(t, 0, app.ParserJSON) }

// newServerDelayingProbes is newServer with websocket upgrade probes held
// for delay.
func newServerDelayingProbes(t *testing.T, delay time.Duration) *server {
	return newServerWith(t, delay, app.ParserJSON)
}

// newServerWith returns a server of parser that holds each websocket
// request for an existing session (an upgrade probe) for delay before
// serving it, like a slow network would: the client keeps using polling
// meanwhile.
func newServerWith(t *testing.T, delay time.Duration, parser app.Parser) *server {
	t.Helper()
	srv := &server{t: t, seq: map[string][]int{}, sessions: map[string]*engine.Session{},
		replies: make(chan namespace.Reply, 16)}
	srv.app = app.New(app.Options{Engine: engineOptions(), ConnectTimeout: 5 * time.Second, Parser: parser})
	for path, ns := range map[string]any{"/": &Root{srv: srv}, "/custom": &Custom{}, "/refuse": &Refuse{}} {
		if err := srv.app.Register(ns, path); err != nil {
			t.Fatal(err)
		}
	}
	kick := engine.NewServer(engineOptions(), func(s *engine.Session) engine.Receiver {
		srv.mu.Lock()
		srv.sessions[s.ID()] = s
		srv.mu.Unlock()
		r, _ := inproc.Open(srv.app, s)
		return r
	})
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if q := r.URL.Query(); delay > 0 && q.Get("transport") == "websocket" && q.Get("sid") != "" {
			time.Sleep(delay)
		}
		srv.app.ServeHTTP(w, r)
	}))
	mux.Handle("/kick/", kick)
	srv.ts = httptest.NewServer(mux)
	srv.url = srv.ts.URL
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.app.Shutdown(ctx)
		kick.Shutdown(ctx)
		srv.ts.CloseClientConnections()
		srv.ts.Close()
		srv.goroutines.Wait()
	})
	return srv
}

func (srv *server) record(id string, i int) {
	srv.mu.Lock()
	srv.seq[id] = append(srv.seq[id], i)
	srv.mu.Unlock()
}

func (srv *server) recorded(id string) []int {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return append([]int{}, srv.seq[id]...)
}

func (srv *server) closeEngine(sid string) {
	srv.mu.Lock()
	s := srv.sessions[sid]
	srv.mu.Unlock()
	if s == nil {
		srv.t.Errorf("kick-engine: no session %q on /kick/", sid)
		return
	}
	s.Close()
}

func (srv *server) disconnectReasons() []string {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return append([]string{}, srv.reasons...)
}

// lines is what a script printed: one JSON object per line, each with a
// "step" name and its "data".
type lines struct {
	t     *testing.T
	out   []byte
	steps map[string][]json.RawMessage
}

// parse reads the JSON lines of out; other lines (logs) are kept for
// error messages only.
func parse(t *testing.T, out []byte) *lines {
	l := &lines{t: t, out: out, steps: map[string][]json.RawMessage{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Step string          `json:"step"`
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Step != "" {
			l.steps[line.Step] = append(l.steps[line.Step], line.Data)
		}
	}
	return l
}

// get returns the data of the only line of step.
func (l *lines) get(step string) json.RawMessage {
	l.t.Helper()
	d := l.steps[step]
	if len(d) != 1 {
		l.t.Fatalf("step %q printed %d times, want once; output:\n%s", step, len(d), l.out)
	}
	return d[0]
}

// expect checks the data of step byte for byte.
func (l *lines) expect(step, want string) {
	l.t.Helper()
	if got := string(l.get(step)); got != want {
		l.t.Errorf("%s:\n got %s\nwant %s", step, got, want)
	}
}

// decode unmarshals the data of step into v.
func (l *lines) decode(step string, v any) {
	l.t.Helper()
	if err := json.Unmarshal(l.get(step), v); err != nil {
		l.t.Fatalf("step %q: %v", step, err)
	}
}

// scriptTimeout bounds every script run.
const scriptTimeout = 15 * time.Second

// run runs a client script with SERVER_URL and extra env and parses its
// output; a script that fails or prints an "error" step fails the test.
func run(t *testing.T, runner func(testing.TB, context.Context, string, ...string) ([]byte, error),
	srv *server, script string, env ...string) *lines {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), scriptTimeout)
	defer cancel()
	out, err := runner(t, ctx, script, append([]string{"SERVER_URL=" + srv.url}, env...)...)
	if err != nil {
		t.Fatalf("%s: %v; output:\n%s", script, err, out)
	}
	l := parse(t, out)
	if e := l.steps["error"]; len(e) > 0 {
		t.Fatalf("%s reported %s; output:\n%s", script, e, out)
	}
	return l
}

func has(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
