package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type sock = namespace.Socket

type msg struct {
	Room string `json:"room" validate:"required"`
	Text string `json:"text" validate:"max=10"`
}

// lab has a handler for each kind of argument and result.
type lab struct {
	namespace.Namespace

	mu   sync.Mutex
	seen []int
}

func (l *lab) OnStruct(s *sock, m msg) msg                                  { return m }
func (l *lab) OnPointer(s *sock, m *msg) string                             { return m.Room }
func (l *lab) OnMap(s *sock, m map[string]int) int                          { return m["a"] + m["b"] }
func (l *lab) OnSlice(s *sock, xs []string) int                             { return len(xs) }
func (l *lab) OnStr(s *sock, x string) string                               { return strings.ToUpper(x) }
func (l *lab) OnNum(s *sock, f float64) float64                             { return f * 2 }
func (l *lab) OnBool(s *sock, b bool) bool                                  { return !b }
func (l *lab) OnBin(s *sock, b []byte) (int, []byte)                        { return len(b), b }
func (l *lab) OnRaw(s *sock, r json.RawMessage) string                      { return string(r) }
func (l *lab) OnAnyArg(s *sock, v any) string                               { return fmt.Sprintf("%T", v) }
func (l *lab) OnMulti(s *sock, a int, b string, c bool) (int, string, bool) { return a, b, c }
func (l *lab) OnSpread(s *sock) namespace.Args                              { return namespace.Args{1, "two", nil} }
func (l *lab) OnVariadic(s *sock, n int, rest ...any) (int, int)            { return n, len(rest) }
func (l *lab) OnCtx(ctx context.Context, s *sock) bool                      { return ctx != nil && ctx.Err() == nil }
func (l *lab) OnFail(s *sock) error                                         { return errors.Client("nope", map[string]int{"k": 1}) }
func (l *lab) OnInternal(s *sock) (int, error)                              { return 0, errors.New("db password is hunter2") }
func (l *lab) OnPanic(s *sock)                                              { panic("boom") }
func (l *lab) OnSeq(s *sock, n int)                                         { l.mu.Lock(); l.seen = append(l.seen, n); l.mu.Unlock() }
func (l *lab) OnRawSpread(s *sock, args ...json.RawMessage) namespace.RawArgs {
	out := slices.Clone(args)
	slices.Reverse(out)
	return out
}

func newApp(t *testing.T, ns any, path string, o app.Options) *app.App {
	t.Helper()
	a := app.New(o)
	if err := a.Register(ns, path); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return a
}

// ack emits event with args and returns the ack's args as one JSON array.
func ack(t *testing.T, c *apptest.Client, event string, args ...any) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := c.EmitWithAck(ctx, event, args...)
	if err != nil {
		t.Fatalf("EmitWithAck(%q): %v", event, err)
	}
	b, err := json.Marshal(r.Args)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDispatchTypedArgs(t *testing.T) { forParsers(t, testDispatchTypedArgs) }

func testDispatchTypedArgs(t *testing.T, parser app.Parser) {
	a := newApp(t, &lab{}, "/lab", app.Options{Parser: parser})
	c := apptest.Connect(t, a, "/lab", nil)
	tests := []struct {
		event string
		args  []any
		want  string
	}{
		{"struct", []any{map[string]any{"room": "r1", "text": "hi"}}, `[{"room":"r1","text":"hi"}]`},
		{"pointer", []any{map[string]any{"room": "r2"}}, `["r2"]`},
		{"map", []any{map[string]int{"a": 2, "b": 3}}, `[5]`},
		{"slice", []any{[]string{"x", "y", "z"}}, `[3]`},
		{"str", []any{"abc"}, `["ABC"]`},
		{"num", []any{1.25}, `[2.5]`},
		{"bool", []any{false}, `[true]`},
		{"bin", []any{[]byte{1, 2, 3}}, `[3,"AQID"]`}, // binary back, inlined as base64
		{"raw", []any{map[string]any{"k": []int{1}}}, `["{\"k\":[1]}"]`},
		{"any_arg", []any{map[string]any{"k": 1}}, `["map[string]interface {}"]`},
		{"any_arg", []any{[]byte{9}}, `["[]uint8"]`}, // binary into any: []byte
		{"multi", []any{7, "s", true}, `[7,"s",true]`},
		{"spread", nil, `[1,"two",null]`},
		{"raw_spread", []any{1, "b", []int{3}}, `[[3],"b",1]`},
		{"variadic", []any{4, "x", nil, 2}, `[4,3]`},
		{"variadic", []any{4}, `[4,0]`},
		{"ctx", nil, `[true]`},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			if got := ack(t, c, tt.event, tt.args...); got != tt.want {
				t.Errorf("ack of %s%v = %s, want %s", tt.event, tt.args, got, tt.want)
			}
		})
	}
}

// recorder is an app error handler that records what it is given.
type recorder struct {
	mu     sync.Mutex
	events []string
	errs   []error
}

func (r *recorder) handle(s *sock, event string, err error) any {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event)
	r.errs = append(r.errs, err)
	return errors.Wire(err, false)
}

func (r *recorder) last(t *testing.T) (string, error) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.errs) == 0 {
		t.Fatal("the error handler was not called")
	}
	return r.events[len(r.events)-1], r.errs[len(r.errs)-1]
}

func TestDispatchDecodeErrors(t *testing.T) { forParsers(t, testDispatchDecodeErrors) }

func testDispatchDecodeErrors(t *testing.T, parser app.Parser) {
	rec := &recorder{}
	a := newApp(t, &lab{}, "/lab", app.Options{Parser: parser, OnError: rec.handle})
	c := apptest.Connect(t, a, "/lab", nil)
	tests := []struct {
		name  string
		event string
		args  []any
		arg   int
		want  string
	}{
		{"too few", "multi", []any{1, "x"}, -1, `got 2 args, the handler takes 3`},
		{"too many", "str", []any{"a", "b"}, -1, `got 2 args, the handler takes 1`},
		{"none for one", "num", nil, -1, `got 0 args, the handler takes 1`},
		{"variadic too few", "variadic", nil, -1, `got 0 args, the handler takes at least 1`},
		{"wrong type", "num", []any{"seven"}, 0, `cannot unmarshal string into Go value of type float64`},
		{"wrong type fast path", "str", []any{7}, 0, `cannot unmarshal number into Go value of type string`},
		{"wrong struct field", "struct", []any{map[string]any{"room": 5}}, 0, `cannot unmarshal number`},
		{"second arg", "multi", []any{1, 2, true}, 1, `cannot unmarshal number into Go value of type string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ack(t, c, tt.event, tt.args...)
			var body struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal([]byte(got[1:len(got)-1]), &body); err != nil {
				t.Fatalf("ack %s: %v", got, err)
			}
			if body.Error.Code != "bad_request" || !strings.Contains(body.Error.Message, tt.want) {
				t.Errorf("ack = %s, want a bad_request with %q", got, tt.want)
			}
			event, err := rec.last(t)
			de, ok := errors.AsType[*errors.DecodeError](err)
			if !ok || event != tt.event || de.Event != tt.event || de.Arg != tt.arg || !errors.Is(err, errors.ErrArgs) {
				t.Errorf("error handler got (%q, %#v), want a DecodeError for %q arg %d", event, err, tt.event, tt.arg)
			}
		})
	}
	if !c.Connected() {
		t.Error("a bad event disconnected the client")
	}
}

func TestDispatchValidation(t *testing.T) { forParsers(t, testDispatchValidation) }

func testDispatchValidation(t *testing.T, parser app.Parser) {
	rec := &recorder{}
	a := newApp(t, &lab{}, "/lab", app.Options{Parser: parser, OnError: rec.handle})
	c := apptest.Connect(t, a, "/lab", nil)
	got := ack(t, c, "struct", map[string]any{"text": "far too long"})
	want := `[{"error":{"code":"validation","fields":[{"field":"room","rule":"required"},` +
		`{"field":"text","rule":"max","param":"10","value":"far too long"}],"message":"validation failed"}}]`
	if got != want {
		t.Errorf("ack = %s\nwant  %s", got, want)
	}
	_, err := rec.last(t)
	ve, ok := errors.AsType[*errors.ValidationError](err)
	if !ok || ve.Event != "struct" || len(ve.Fields) != 2 || ve.Fields[0].Field != "room" || ve.Fields[0].Rule != "required" {
		t.Errorf("error handler got %#v", err)
	}
	// A pointer parameter is validated too.
	got = ack(t, c, "pointer", map[string]any{"text": "ok"})
	if !strings.Contains(got, `"code":"validation"`) || !strings.Contains(got, `"field":"room"`) {
		t.Errorf("pointer ack = %s, want a validation error on room", got)
	}
}

func TestDispatchResultsAndErrors(t *testing.T) { forParsers(t, testDispatchResultsAndErrors) }

func testDispatchResultsAndErrors(t *testing.T, parser app.Parser) {
	a := newApp(t, &lab{}, "/lab", app.Options{Parser: parser})
	c := apptest.Connect(t, a, "/lab", nil)
	tests := []struct{ event, want string }{
		{"fail", `[{"error":{"code":"client","data":{"k":1},"message":"nope"}}]`},
		{"internal", `[{"error":{"code":"internal","message":"internal server error"}}]`},
		{"panic", `[{"error":{"code":"internal","message":"internal server error"}}]`},
	}
	for _, tt := range tests {
		if got := ack(t, c, tt.event); got != tt.want {
			t.Errorf("ack of %s = %s, want %s", tt.event, got, tt.want)
		}
	}
}

func TestDispatchDebugShowsInternalText(t *testing.T) {
	a := newApp(t, &lab{}, "/lab", app.Options{Debug: true, DebugOptions: discardTrace()})
	c := apptest.Connect(t, a, "/lab", nil)
	if got := ack(t, c, "internal"); !strings.Contains(got, "db password is hunter2") {
		t.Errorf("ack with Debug = %s, want the internal text", got)
	}
	if got := ack(t, c, "panic"); !strings.Contains(got, "boom") {
		t.Errorf("panic ack with Debug = %s, want the panic value", got)
	}
}

func TestDispatchPanicRecovered(t *testing.T) {
	l := &lab{}
	a := newApp(t, l, "/lab", app.Options{})
	c := apptest.Connect(t, a, "/lab", nil)
	for i := range 3 {
		if err := c.Emit("panic"); err != nil {
			t.Fatal(err)
		}
		if err := c.Emit("seq", i); err != nil {
			t.Fatal(err)
		}
	}
	if !c.Connected() {
		t.Fatal("a panic disconnected the client")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !slices.Equal(l.seen, []int{0, 1, 2}) {
		t.Errorf("events after panics: %v, want [0 1 2]", l.seen)
	}
}

func TestDispatchInOrder(t *testing.T) {
	l := &lab{}
	a := newApp(t, l, "/lab", app.Options{})
	c := apptest.Connect(t, a, "/lab", nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				c.Emit("seq", i)
			}
		}()
	}
	wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.seen) != 200 {
		t.Errorf("handled %d events, want 200", len(l.seen))
	}
}

// nsHandler has its own OnError; it wins over the app's.
type nsHandler struct{ calls []string }

func (n *nsHandler) OnBoom(s *sock) error { return errors.New("secret") }
func (n *nsHandler) OnError(s *sock, event string, err error) any {
	n.calls = append(n.calls, event+": "+err.Error())
	return map[string]string{"handled_by": "namespace"}
}

// noHandler has none.
type noHandler struct{}

func (*noHandler) OnBoom(s *sock) error { return errors.New("secret") }

// panicky's error handler panics: the built-in one takes over.
type panicky struct{}

func (*panicky) OnBoom(s *sock) error                         { return errors.New("secret") }
func (*panicky) OnError(s *sock, event string, err error) any { panic("handler broke") }

func TestErrorHandlerChain(t *testing.T) {
	appHandler := func(s *sock, event string, err error) any {
		return map[string]string{"handled_by": "app"}
	}
	tests := []struct {
		name   string
		ns     any
		appErr bool
		want   string
	}{
		{"namespace wins", &nsHandler{}, true, `[{"handled_by":"namespace"}]`},
		{"app fallback", &noHandler{}, true, `[{"handled_by":"app"}]`},
		{"built-in", &noHandler{}, false, `[{"error":{"code":"internal","message":"internal server error"}}]`},
		{"panicking handler", &panicky{}, false, `[{"error":{"code":"internal","message":"internal server error"}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := app.Options{Logf: func(string, ...any) {}}
			if tt.appErr {
				o.OnError = appHandler
			}
			a := newApp(t, tt.ns, "/", o)
			c := apptest.Connect(t, a, "/", nil)
			if got := ack(t, c, "boom"); got != tt.want {
				t.Errorf("ack = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestNamespaceOnErrorSeesError(t *testing.T) {
	ns := &nsHandler{}
	a := newApp(t, ns, "/", app.Options{})
	c := apptest.Connect(t, a, "/", nil)
	c.Emit("boom")
	if !slices.Equal(ns.calls, []string{"boom: secret"}) {
		t.Errorf("OnError calls = %q", ns.calls)
	}
}
