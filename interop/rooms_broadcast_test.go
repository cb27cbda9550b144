package interop_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/inproc"
	"github.com/socketeer/socketeer/internal/testenv"
	"github.com/socketeer/socketeer/namespace"
)

// roomsRoot is namespace "/" of the rooms test app: each handler performs
// one targeting, room or ack operation that rooms_broadcast.js asks for.
type roomsRoot struct {
	namespace.Namespace
	app     *app.App
	pending sync.WaitGroup // goroutines and timers the handlers start
	log     *roomsLog
}

func (r *roomsRoot) OnSync(s *namespace.Socket) bool { return true }

func (r *roomsRoot) OnJoin(s *namespace.Socket, rooms []string) []string {
	s.Join(rooms...)
	s.Set("joined", len(rooms))
	return s.Rooms()
}

func (r *roomsRoot) OnLeave(s *namespace.Socket, room string) []string {
	s.Leave(room)
	return s.Rooms()
}

// OnToRoom emits to rooms without the sender.
func (r *roomsRoot) OnToRoom(s *namespace.Socket, rooms []string, text string) error {
	return s.To(rooms...).Emit("msg", s.ID(), text)
}

// OnNsTo emits through the namespace: the sender included if selected.
func (r *roomsRoot) OnNsTo(s *namespace.Socket, rooms, except []string, text string) error {
	return r.To(rooms...).Except(except...).Emit("msg", s.ID(), text)
}

func (r *roomsRoot) OnBroadcast(s *namespace.Socket, text string) error {
	return s.Broadcast().Emit("msg", s.ID(), text)
}

// OnLater emits to room from a timer, outside any handler, through the
// app's handle of the namespace.
func (r *roomsRoot) OnLater(s *namespace.Socket, room, text string, ms int) {
	r.pending.Go(func() {
		time.Sleep(time.Duration(ms) * time.Millisecond)
		if err := r.app.Of("/").To(room).Emit("msg", "timer", text, []byte{1, 2, 3}); err != nil {
			r.log.fail(err)
		}
	})
}

func (r *roomsRoot) OnSendTo(s *namespace.Socket, rooms []string, text string) error {
	if err := r.To(rooms...).Send(text); err != nil {
		return err
	}
	return s.SendJSON(map[string]any{"rooms": rooms})
}

// OnAskRoom broadcasts a question with acks from a goroutine and emits
// the outcome back as "asked".
func (r *roomsRoot) OnAskRoom(s *namespace.Socket, rooms []string, ms int) {
	r.pending.Go(func() {
		if err := s.Emit("asked", r.ask(context.Background(), rooms, ms)); err != nil {
			r.log.fail(err)
		}
	})
}

// OnAskInHandler waits for the acks inside the handler.
func (r *roomsRoot) OnAskInHandler(ctx context.Context, s *namespace.Socket, rooms []string, ms int) map[string]any {
	return r.ask(ctx, rooms, ms)
}

func (r *roomsRoot) ask(ctx context.Context, rooms []string, ms int) map[string]any {
	replies, err := r.To(rooms...).Timeout(time.Duration(ms)*time.Millisecond).EmitWithAck(ctx, "question", "q")
	answers := []string{}
	for _, reply := range replies {
		var a string
		if derr := reply.Decode(&a); derr != nil {
			r.log.fail(derr)
		}
		answers = append(answers, a)
	}
	slices.Sort(answers)
	if err != nil && !errors.Is(err, errors.ErrAckTimeout) {
		r.log.fail(err)
	}
	return map[string]any{"answers": answers, "timeout": errors.Is(err, errors.ErrAckTimeout)}
}

func (r *roomsRoot) OnFetch(ctx context.Context, s *namespace.Socket, rooms []string) ([]adapter.SocketInfo, error) {
	return r.To(rooms...).FetchSockets(ctx)
}

func (r *roomsRoot) OnSocketsJoin(s *namespace.Socket, rooms, add []string) error {
	return r.To(rooms...).SocketsJoin(add...)
}

func (r *roomsRoot) OnCloseRoom(s *namespace.Socket, room string) error { return r.CloseRoom(room) }

func (r *roomsRoot) OnKickRoom(s *namespace.Socket, room string) error {
	return r.To(room).DisconnectSockets(false)
}

// OnDisconnectMe closes the sender's whole connection.
func (r *roomsRoot) OnDisconnectMe(s *namespace.Socket) { s.Disconnect(true) }

func (r *roomsRoot) OnDisconnect(s *namespace.Socket, reason string) {
	r.log.add("/ " + reason)
}

// roomsAdmin is a second namespace, to see Disconnect(true) end both.
type roomsAdmin struct {
	namespace.Namespace
	log *roomsLog
}

func (a *roomsAdmin) OnDisconnect(s *namespace.Socket, reason string) {
	a.log.add("/admin " + reason)
}

// roomsLog records the server's disconnect reasons and handler failures.
type roomsLog struct {
	mu      sync.Mutex
	reasons []string
	errs    []error
}

func (l *roomsLog) add(reason string) {
	l.mu.Lock()
	l.reasons = append(l.reasons, reason)
	l.mu.Unlock()
}
func (l *roomsLog) fail(err error) { l.mu.Lock(); l.errs = append(l.errs, err); l.mu.Unlock() }

// TestRoomsBroadcastNode drives rooms, targeting and broadcast acks with
// five socket.io-client sockets.
func TestRoomsBroadcastNode(t *testing.T) {
	testenv.Node(t)
	log := &roomsLog{}
	a := app.New(app.Options{AckTimeout: 700 * time.Millisecond})
	root := &roomsRoot{app: a, log: log}
	if err := a.Register(root, "/"); err != nil {
		t.Fatal(err)
	}
	if err := a.Register(&roomsAdmin{log: log}, "/admin"); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(a)
	defer func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		a.Shutdown(ctx)
		root.pending.Wait()
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := testenv.RunNode(t, ctx, "js/rooms_broadcast.js", "SERVER_URL="+ts.URL)
	steps := roomsSteps(t, out)
	if err != nil {
		t.Fatalf("rooms_broadcast.js: %v\n%s", err, out)
	}

	type got = map[string][]string
	tests := []struct {
		step string
		want any
	}{
		{"rooms", got{"a": {"a", "red"}, "b": {"b", "red", "blue"}, "c": {"c", "blue"}, "d": {"d"}}},
		{"to-room-excludes-self", got{"b": {"a hi"}}},
		{"namespace-to-includes-self", got{"a": {"a hi"}, "b": {"a hi"}}},
		{"several-rooms-once", got{"a": {"d x"}, "b": {"d x"}, "c": {"d x"}}},
		{"to-socket-id", got{"c": {"d direct"}}},
		{"except-room", got{"a": {"a e"}, "d": {"a e"}}},
		{"except-id", got{"a": {"a e"}, "c": {"a e"}}},
		{"broadcast-excludes-self", got{"a": {"c yo"}, "b": {"c yo"}, "d": {"c yo"}}},
		{"timer-outside-handler", got{"b": {"timer tick bin:010203"}, "c": {"timer tick bin:010203"}}},
		{"send-message", got{"b": {"message plain"}, "c": {"message plain"}, "d": {`json {"rooms":["blue"]}`}}},
		{"sockets-join", got{"a": {"a g"}, "b": {"a g"}}},
		{"leave", got{"a": {"a r"}}},
		{"close-room", got{}},
		{"fetch", []map[string]any{
			{"name": "b", "rooms": []any{"b", "red", "blue"}, "data": map[string]any{"joined": 3.0}},
			{"name": "c", "rooms": []any{"c", "blue"}, "data": map[string]any{"joined": 1.0}},
		}},
		{"disconnect-reasons", map[string]string{"a": "io server disconnect", "b": "io server disconnect",
			"c": "io server disconnect", "c/admin": "io server disconnect"}},
		{"d-connected", true},
		{"done", true},
	}
	for _, tt := range tests {
		raw, ok := steps[tt.step]
		if !ok {
			t.Errorf("step %s missing\n%s", tt.step, out)
			continue
		}
		v := reflect.New(reflect.TypeOf(tt.want))
		if err := json.Unmarshal(raw, v.Interface()); err != nil {
			t.Errorf("step %s: %v: %s", tt.step, err, raw)
			continue
		}
		if !reflect.DeepEqual(v.Elem().Interface(), tt.want) {
			t.Errorf("step %s = %s, want %v", tt.step, raw, tt.want)
		}
	}

	type asked struct {
		Answers []string
		Timeout bool
		MS      int
	}
	var silent, all, appTimeout, inHandler asked
	roomsDecode(t, steps, "ack-namespace-one-silent", &silent)
	roomsDecode(t, steps, "ack-room-all-answer", &all)
	roomsDecode(t, steps, "ack-app-timeout", &appTimeout)
	roomsDecode(t, steps, "ack-in-handler", &inHandler)
	if want := []string{"a answers q", "b answers q", "c answers q"}; !slices.Equal(silent.Answers, want) ||
		!silent.Timeout || silent.MS < 400 || silent.MS > 3000 {
		t.Errorf("broadcast ack with d silent = %+v, want %q and a timeout after 400ms", silent, want)
	}
	if want := []string{"a answers q", "b answers q"}; !slices.Equal(all.Answers, want) || all.Timeout || all.MS >= 3000 {
		t.Errorf("broadcast ack to red = %+v, want %q without timeout", all, want)
	}
	if len(appTimeout.Answers) != 0 || !appTimeout.Timeout || appTimeout.MS < 700 || appTimeout.MS > 3000 {
		t.Errorf("broadcast ack to silent d without Timeout = %+v, want a timeout after Options.AckTimeout (700ms)", appTimeout)
	}
	// A handler may wait for the acks of its own socket: acks overtake the
	// socket's event queue (router.client.Intercept).
	if want := []string{"a answers q", "b answers q"}; !slices.Equal(inHandler.Answers, want) || inHandler.Timeout {
		t.Errorf("broadcast ack awaited inside the asking socket's handler = %+v, want %q without timeout", inHandler, want)
	}

	// Server side: every socket is gone, with the right reasons.
	deadline := time.Now().Add(3 * time.Second)
	for (a.Of("/").Len() > 0 || a.Of("/admin").Len() > 0 || inproc.Sessions(a) > 0) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n, m, e := a.Of("/").Len(), a.Of("/admin").Len(), inproc.Sessions(a); n+m+e != 0 {
		t.Errorf("left behind: %d sockets on /, %d on /admin, %d sessions", n, m, e)
	}
	if m, ok := inproc.Adapter(&root.Namespace).(*adapter.Memory); ok {
		if rooms, sockets := m.Size(); rooms+sockets != 0 {
			t.Errorf("adapter Size = (%d, %d), want (0, 0)", rooms, sockets)
		}
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	reasons := slices.Sorted(slices.Values(log.reasons))
	want := []string{"/ client namespace disconnect", "/ server namespace disconnect", "/ server namespace disconnect",
		"/ server namespace disconnect", "/admin server namespace disconnect"}
	if !slices.Equal(reasons, want) {
		t.Errorf("server-side disconnect reasons = %q, want %q", reasons, want)
	}
	for _, err := range log.errs {
		t.Errorf("handler: %v", err)
	}
}

// roomsSteps parses the {"step", "data"} lines of a script.
func roomsSteps(t *testing.T, out []byte) map[string]json.RawMessage {
	t.Helper()
	steps := map[string]json.RawMessage{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Step string          `json:"step"`
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil || line.Step == "" {
			continue
		}
		if line.Step == "error" {
			t.Errorf("script error: %s", line.Data)
		}
		steps[line.Step] = line.Data
	}
	return steps
}

func roomsDecode(t *testing.T, steps map[string]json.RawMessage, step string, v any) {
	t.Helper()
	raw, ok := steps[step]
	if !ok {
		t.Errorf("step %s missing", step)
		return
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Errorf("step %s: %v: %s", step, err, raw)
	}
}
