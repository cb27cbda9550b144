package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socketeer/socketeer/client"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/clientcheck"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// manager returns a Manager for ts, closed at the end of the test.
func manager(t *testing.T, url string, o client.Options) *client.Manager {
	t.Helper()
	m, err := client.NewManager(url, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func timeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// recv waits for a value on ch.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// TestConformance runs the checks of examples/client against Socketeer.
func TestConformance(t *testing.T) {
	ts := newTestServer(t)
	for _, mode := range clientcheck.Modes() {
		for _, c := range clientcheck.Checks() {
			t.Run(mode.Name+"/"+c.Name, func(t *testing.T) {
				ctx := timeout(t, 5*time.Second)
				if err := c.Run(ctx, ts.URL, client.Options{Transports: mode.Transports, NoReconnect: true}); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func TestServerAck(t *testing.T) {
	ts := newTestServer(t)
	for _, mode := range clientcheck.Modes() {
		t.Run(mode.Name, func(t *testing.T) {
			m := manager(t, ts.URL, client.Options{Transports: mode.Transports})
			s := m.Socket("/", client.SocketOptions{})
			type question struct {
				n   int
				bin []byte
			}
			got := make(chan question, 1)
			err := s.On("question", func(n int, bin []byte) (string, []byte, map[string]any) {
				got <- question{n, bin}
				return "answer", []byte{9, 8}, map[string]any{"b": []byte{7}}
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Connect(timeout(t, 5*time.Second)); err != nil {
				t.Fatal(err)
			}
			s.Emit("ask")
			q := recv(t, got, "question")
			if q.n != 41 || !bytes.Equal(q.bin, []byte{1, 2, 3}) {
				t.Errorf("question args %d %v", q.n, q.bin)
			}
			rep := recv(t, ts.replies, "the server's reply")
			var word string
			var bin []byte
			var obj struct{ B []byte }
			if err := rep.Decode(&word, &bin, &obj); err != nil || word != "answer" ||
				!bytes.Equal(bin, []byte{9, 8}) || !bytes.Equal(obj.B, []byte{7}) {
				t.Errorf("server got %v %q %v %v", err, word, bin, obj.B)
			}
		})
	}
}

func TestMultiplex(t *testing.T) {
	ts := newTestServer(t)
	m := manager(t, ts.URL, client.Options{Transports: []client.Transport{client.WebSocket}})
	ctx := timeout(t, 5*time.Second)
	var ids []string
	for _, nsp := range []string{"/", "/custom"} {
		s := m.Socket(nsp, client.SocketOptions{Auth: map[string]string{"ns": nsp}})
		if err := s.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		r, err := s.EmitWithAck(ctx, "whoami")
		if err != nil {
			t.Fatal(err)
		}
		var id string
		if err := r.Decode(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if ids[0] == "" || ids[0] != ids[1] {
		t.Errorf("engine ids %q: the namespaces do not share one connection", ids)
	}
	if m.Socket("custom", client.SocketOptions{}) != m.Socket("/custom", client.SocketOptions{}) {
		t.Error("Socket does not return the same socket for a namespace")
	}
}

func TestConnectErrorData(t *testing.T) {
	ts := newTestServer(t)
	m := manager(t, ts.URL, client.Options{})
	s := m.Socket("/admin", client.SocketOptions{})
	cbErr := make(chan error, 1)
	s.OnConnectError(func(err error) { cbErr <- err })
	err := s.Connect(timeout(t, 5*time.Second))
	ce, ok := errors.AsType[*client.ConnectError](err)
	if !ok || ce.Message != "not authorized" || string(ce.Data) != `{"code":42}` || ce.Namespace != "/admin" {
		t.Fatalf("Connect: %v (%+v)", err, ce)
	}
	if got := recv(t, cbErr, "connect_error"); got != err {
		t.Errorf("callback got %v", got)
	}
	if s.Connected() {
		t.Error("refused socket is connected")
	}
}

func TestBufferWhileDisconnected(t *testing.T) {
	ts := newTestServer(t)
	m := manager(t, ts.URL, client.Options{MaxBuffer: 2})
	s := m.Socket("/", client.SocketOptions{})
	got := make(chan []any, 4)
	s.On("message-back", func(args ...any) { got <- args })
	for i := range 2 {
		if err := s.Emit("message", i); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Emit("message", 2); !errors.Is(err, client.ErrBufferFull) {
		t.Fatalf("third buffered emit: %v", err)
	}
	if err := s.Volatile().Emit("message", "volatile"); err != nil {
		t.Fatalf("volatile emit: %v", err)
	}
	if err := s.Connect(timeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if args := recv(t, got, "message-back"); len(args) != 1 || args[0] != float64(i) {
			t.Fatalf("message-back %v, want [%d]", args, i)
		}
	}
	s.Volatile().Emit("message", "now")
	if args := recv(t, got, "message-back"); args[0] != "now" {
		t.Fatalf("message-back %v after volatile emits", args)
	}
}

func TestHandlersInOrderAndSlow(t *testing.T) {
	ts := newTestServer(t)
	m := manager(t, ts.URL, client.Options{Transports: []client.Transport{client.WebSocket}})
	s := m.Socket("/", client.SocketOptions{})
	var mu sync.Mutex
	var ticks []int
	done := make(chan struct{})
	disconnected := make(chan string, 1)
	s.OnDisconnect(func(r string) { disconnected <- r })
	const n = 50
	s.On("tick", func(i int) {
		if i == 0 {
			// Longer than pingInterval+pingTimeout: the reader must go on
			// answering pings meanwhile.
			time.Sleep(700 * time.Millisecond)
		}
		mu.Lock()
		ticks = append(ticks, i)
		mu.Unlock()
		if i == n-1 {
			close(done)
		}
	})
	if err := s.Connect(timeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	s.Emit("burst", n)
	recv(t, done, "the last tick")
	mu.Lock()
	defer mu.Unlock()
	for i, v := range ticks {
		if v != i {
			t.Fatalf("ticks out of order: %v", ticks)
		}
	}
	select {
	case r := <-disconnected:
		t.Fatalf("disconnected (%s) while a handler was slow", r)
	default:
	}
}

func TestServerDisconnect(t *testing.T) {
	ts := newTestServer(t)
	attempts := make(chan int, 1)
	m := manager(t, ts.URL, client.Options{ReconnectDelay: 10 * time.Millisecond,
		OnReconnectAttempt: func(n int) { attempts <- n }})
	s := m.Socket("/", client.SocketOptions{})
	reasons := make(chan string, 1)
	s.OnDisconnect(func(r string) { reasons <- r })
	ctx := timeout(t, 5*time.Second)
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	pending := make(chan error, 1)
	go func() {
		_, err := s.EmitWithAck(ctx, "kick")
		pending <- err
	}()
	if r := recv(t, reasons, "disconnect"); r != client.ReasonServerDisconnect {
		t.Errorf("reason %q", r)
	}
	if err := recv(t, pending, "the kick ack"); !errors.Is(err, client.ErrDisconnected) {
		t.Errorf("pending ack: %v", err)
	}
	time.Sleep(100 * time.Millisecond)
	if s.Connected() || len(attempts) > 0 {
		t.Error("reconnected after a server disconnect")
	}
}

func TestReconnectAfterRestart(t *testing.T) {
	for _, mode := range clientcheck.Modes() {
		t.Run(mode.Name, func(t *testing.T) {
			ts := newTestServer(t)
			var mu sync.Mutex
			var log []string
			add := func(s string) { mu.Lock(); log = append(log, s); mu.Unlock() }
			reconnected := make(chan struct{}, 1)
			m := manager(t, ts.URL, client.Options{
				Transports: mode.Transports, ReconnectDelay: 50 * time.Millisecond, ReconnectDelayMax: 100 * time.Millisecond,
				OnReconnectAttempt: func(n int) { add("attempt") },
				OnReconnect:        func(n int) { add("reconnect"); reconnected <- struct{}{} },
			})
			s := m.Socket("/", client.SocketOptions{Auth: map[string]int{"n": 1}})
			auths := make(chan string, 2)
			s.On("auth", func(a json.RawMessage) { auths <- string(a) })
			s.OnConnect(func() { add("connect") })
			s.OnDisconnect(func(r string) { add("disconnect") })
			ctx := timeout(t, 10*time.Second)
			if err := s.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			recv(t, auths, "auth")
			firstID := s.ID()
			ts.restart()
			recv(t, reconnected, "reconnect")
			if a := recv(t, auths, "auth after reconnecting"); a != `{"n":1}` {
				t.Errorf("auth after reconnecting %s", a)
			}
			r, err := s.EmitWithAck(ctx, "message-with-ack", "again")
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := r.Raw(); len(got) != 1 || string(got[0]) != `"again"` {
				t.Errorf("ack after reconnecting %s", got)
			}
			if s.ID() == firstID {
				t.Error("socket id unchanged by a new server")
			}
			mu.Lock()
			defer mu.Unlock()
			log = slices.Compact(log)
			want := "connect disconnect attempt reconnect connect"
			if got := strings.Join(log, " "); got != want {
				t.Errorf("events %q, want %q", got, want)
			}
		})
	}
}

func TestReconnectGivesUp(t *testing.T) {
	ts := newTestServer(t)
	ts.crash()
	var attempts []int
	failed := make(chan error, 1)
	m := manager(t, ts.URL, client.Options{
		ReconnectAttempts: 3, ReconnectDelay: 5 * time.Millisecond, ReconnectDelayMax: 20 * time.Millisecond,
		OnReconnectAttempt: func(n int) { attempts = append(attempts, n) },
		OnReconnectFailed:  func(err error) { failed <- err },
	})
	s := m.Socket("/", client.SocketOptions{})
	errs := make(chan error, 8)
	s.OnConnectError(func(err error) { errs <- err })
	err := s.Connect(timeout(t, 5*time.Second))
	if !errors.Is(err, client.ErrReconnectFailed) {
		t.Fatalf("Connect: %v", err)
	}
	recv(t, failed, "reconnect_failed")
	if !slices.Equal(attempts, []int{1, 2, 3}) {
		t.Errorf("attempts %v", attempts)
	}
	time.Sleep(50 * time.Millisecond)
	if len(errs) != 4 {
		t.Errorf("%d connect_error callbacks, want 4", len(errs))
	}
}

func TestDisconnectAndClose(t *testing.T) {
	ts := newTestServer(t)
	m := manager(t, ts.URL, client.Options{})
	s := m.Socket("/", client.SocketOptions{})
	reasons := make(chan string, 2)
	s.OnDisconnect(func(r string) { reasons <- r })
	ctx := timeout(t, 5*time.Second)
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	s.Disconnect()
	if r := recv(t, reasons, "disconnect"); r != client.ReasonClientDisconnect {
		t.Errorf("reason %q", r)
	}
	deadline := time.Now().Add(2 * time.Second)
	for m.Transport() != "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if tr := m.Transport(); tr != "" {
		t.Errorf("connection still open (%s) with no socket", tr)
	}
	// Connect again, then Close.
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	m.Close()
	if r := recv(t, reasons, "disconnect on Close"); r != client.ReasonClientDisconnect {
		t.Errorf("reason %q", r)
	}
	if err := s.Connect(ctx); !errors.Is(err, client.ErrClosed) {
		t.Errorf("Connect after Close: %v", err)
	}
}

func TestOnSignatures(t *testing.T) {
	m := manager(t, "http://127.0.0.1:1", client.Options{})
	s := m.Socket("/", client.SocketOptions{})
	tests := []struct {
		name string
		fn   any
		ok   bool
	}{
		{"no args", func() {}, true},
		{"typed", func(a int, b string, c struct{ X []byte }) {}, true},
		{"ctx", func(ctx context.Context, a int) error { return nil }, true},
		{"variadic any", func(a string, rest ...any) {}, true},
		{"variadic raw", func(rest ...json.RawMessage) (int, error) { return 0, nil }, true},
		{"ack values", func() (string, []byte, client.Args) { return "", nil, nil }, true},
		{"not a func", 42, false},
		{"nil", nil, false},
		{"chan param", func(c chan int) {}, false},
		{"variadic int", func(rest ...int) {}, false},
		{"error not last", func() (error, int) { return nil, 0 }, false},
		{"func result", func() func() { return nil }, false},
		{"ctx not first", func(a int, ctx context.Context) {}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.On("ev", tt.fn)
			if (err == nil) != tt.ok {
				t.Fatalf("On: %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, errors.ErrRegistration) {
				t.Errorf("error %v does not wrap ErrRegistration", err)
			}
		})
	}
	if err := s.On("connect", func() {}); !errors.Is(err, errors.ErrReservedEvent) {
		t.Errorf("On(connect): %v", err)
	}
	if err := s.Emit("disconnect"); !errors.Is(err, errors.ErrReservedEvent) {
		t.Errorf("Emit(disconnect): %v", err)
	}
	if _, err := client.NewManager("ftp://x", client.Options{}); err == nil {
		t.Error("ftp URL accepted")
	}
	bad := m.Socket("/bad", client.SocketOptions{Auth: []int{1}})
	if err := bad.Connect(context.Background()); err == nil {
		t.Error("array auth accepted")
	}
}

func TestHandlerErrorAndPanic(t *testing.T) {
	ts := newTestServer(t)
	m := manager(t, ts.URL, client.Options{})
	s := m.Socket("/", client.SocketOptions{})
	errs := make(chan error, 2)
	s.OnError(func(event string, err error) { errs <- err })
	s.On("question", func(n int, _ []byte) (int, error) {
		return 0, errors.Client("no answer", nil)
	})
	s.On("message-back", func(s string) { panic("boom") })
	if err := s.Connect(timeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	s.Emit("ask")
	rep := recv(t, ts.replies, "the error ack")
	if got := rawJSON(rep.Args); got != `[{"error":{"code":"client","message":"no answer"}}]` {
		t.Errorf("error ack %s", got)
	}
	if err := recv(t, errs, "the handler error"); !strings.Contains(err.Error(), "no answer") {
		t.Errorf("OnError got %v", err)
	}
	s.Emit("message", "x")
	if _, ok := errors.AsType[*errors.PanicError](recv(t, errs, "the panic")); !ok {
		t.Error("panic not reported as *errors.PanicError")
	}
}
