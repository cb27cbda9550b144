package dispatch_test

import (
	"context"
	"encoding/json"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

type sock = namespace.Socket

type payload struct {
	Text string `json:"text" validate:"required"`
}

// Allowed handler shapes, one type per case since methods cannot be made
// at run time.
type (
	okBare       struct{}
	okErr        struct{}
	okString     struct{}
	okStringErr  struct{}
	okCtxStruct  struct{}
	okAckErr     struct{}
	okTwoAcks    struct{}
	okRawVar     struct{}
	okAnyVar     struct{}
	okMixedVar   struct{}
	okArgs       struct{}
	okRawArgs    struct{}
	okKinds      struct{}
	okPointer    struct{}
	okConnect    struct{}
	okConnectCtx struct{}
	okDisconnect struct{}
	okDiscCtx    struct{}
	okError      struct{}
	okErrorAny   struct{}
	okErrorMap   struct{}
	okAny        struct{}
	okAnyCtx     struct{}
	okServerSide struct{}
	okExpired    struct{}
	okNotHandler struct{}
	okValueRecv  struct{}
)

func (*okBare) OnPing(s *sock)                                               {}
func (*okErr) OnPing(s *sock) error                                          { return nil }
func (*okString) OnPing(s *sock, text string)                                {}
func (*okStringErr) OnPing(s *sock, text string) error                       { return nil }
func (*okCtxStruct) OnPing(ctx context.Context, s *sock, p payload)          {}
func (*okAckErr) OnPing(s *sock, p payload) (payload, error)                 { return p, nil }
func (*okTwoAcks) OnPing(s *sock, a, b int) (int, string)                    { return a + b, "" }
func (*okRawVar) OnPing(s *sock, args ...json.RawMessage)                    {}
func (*okAnyVar) OnPing(s *sock, args ...any)                                {}
func (*okMixedVar) OnPing(s *sock, n int, rest ...any)                       {}
func (*okArgs) OnPing(s *sock) namespace.Args                                { return nil }
func (*okRawArgs) OnPing(s *sock, args ...json.RawMessage) namespace.RawArgs { return nil }
func (*okKinds) OnPing(s *sock, m map[string]any, l []int, b []byte, r json.RawMessage, a any, f float64, ok bool) {
}
func (*okPointer) OnPing(s *sock, p *payload)                                  {}
func (*okConnect) OnConnect(s *sock, auth payload) error                       { return nil }
func (*okConnectCtx) OnConnect(ctx context.Context, s *sock)                   {}
func (*okDisconnect) OnDisconnect(s *sock, reason string)                      {}
func (*okDiscCtx) OnDisconnect(ctx context.Context, s *sock)                   {}
func (*okError) OnError(s *sock, event string, err error)                      {}
func (*okErrorAny) OnError(s *sock, event string, err error) any               { return nil }
func (*okErrorMap) OnError(s *sock, event string, err error) map[string]string { return nil }
func (*okAny) OnAny(s *sock, event string, args []json.RawMessage)             {}
func (*okServerSide) OnServerSideEmit(event string, args []json.RawMessage)    {}
func (*okExpired) OnRecoveryExpired(id string, data map[string]any)            {}

func (*okAnyCtx) OnAny(ctx context.Context, s *sock, event string, args []json.RawMessage) error {
	return nil
}
func (*okNotHandler) Once()             {} // not On + upper case
func (*okNotHandler) Online(s *sock)    {}
func (okValueRecv) OnPing(s *sock)      {} // a value receiver is in *T's method set too
func (*okNotHandler) Helper(x chan int) {}

func TestCompileAllowed(t *testing.T) {
	tests := []struct {
		ns     any
		events []string
	}{
		{&okBare{}, []string{"ping"}},
		{&okErr{}, []string{"ping"}},
		{&okString{}, []string{"ping"}},
		{&okStringErr{}, []string{"ping"}},
		{&okCtxStruct{}, []string{"ping"}},
		{&okAckErr{}, []string{"ping"}},
		{&okTwoAcks{}, []string{"ping"}},
		{&okRawVar{}, []string{"ping"}},
		{&okAnyVar{}, []string{"ping"}},
		{&okMixedVar{}, []string{"ping"}},
		{&okArgs{}, []string{"ping"}},
		{&okRawArgs{}, []string{"ping"}},
		{&okKinds{}, []string{"ping"}},
		{&okPointer{}, []string{"ping"}},
		{&okConnect{}, nil},
		{&okConnectCtx{}, nil},
		{&okDisconnect{}, nil},
		{&okDiscCtx{}, nil},
		{&okError{}, nil},
		{&okErrorAny{}, nil},
		{&okErrorMap{}, nil},
		{&okAny{}, nil},
		{&okAnyCtx{}, nil},
		{&okServerSide{}, nil},
		{&okExpired{}, nil},
		{&okNotHandler{}, nil},
		{&okValueRecv{}, []string{"ping"}},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(typeName(tt.ns), "*"), func(t *testing.T) {
			table, err := dispatch.Compile(tt.ns)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			got := table.Events()
			slices.Sort(got)
			if !slices.Equal(got, tt.events) {
				t.Errorf("events = %q, want %q", got, tt.events)
			}
		})
	}
}

// Refused handler shapes.
type (
	badNoSocket     struct{}
	badSocketLater  struct{}
	badChan         struct{}
	badFunc         struct{}
	badInterface    struct{}
	badVariadic     struct{}
	badErrFirst     struct{}
	badResultChan   struct{}
	badTwoSockets   struct{}
	badCtxLater     struct{}
	badConnectTwo   struct{}
	badConnectAck   struct{}
	badConnectVar   struct{}
	badDisconnect   struct{}
	badDiscResult   struct{}
	badError        struct{}
	badErrorTwo     struct{}
	badAny          struct{}
	badAnyTypes     struct{}
	badServerSide   struct{}
	badExpired      struct{}
	badComplex      struct{}
	badReservedName struct{}
	badMapsReserved struct{}
)

func (*badNoSocket) OnPing()                                             {}
func (*badSocketLater) OnPing(text string, s *sock)                      {}
func (*badChan) OnPing(s *sock, c chan int)                              {}
func (*badFunc) OnPing(s *sock, f func())                                {}
func (*badInterface) OnPing(s *sock, r io.Reader)                        {}
func (*badVariadic) OnPing(s *sock, n ...int)                            {}
func (*badErrFirst) OnPing(s *sock) (error, int)                         { return nil, 0 }
func (*badResultChan) OnPing(s *sock) chan int                           { return nil }
func (*badTwoSockets) OnPing(s *sock, t *sock)                           {}
func (*badCtxLater) OnPing(s *sock, ctx context.Context)                 {}
func (*badConnectTwo) OnConnect(s *sock, a, b int) error                 { return nil }
func (*badConnectAck) OnConnect(s *sock) int                             { return 0 }
func (*badConnectVar) OnConnect(s *sock, auth ...json.RawMessage)        {}
func (*badDisconnect) OnDisconnect(s *sock, code int)                    {}
func (*badDiscResult) OnDisconnect(s *sock) error                        { return nil }
func (*badError) OnError(s *sock, err error)                             {}
func (*badErrorTwo) OnError(s *sock, event string, err error) (a, b int) { return 0, 0 }
func (*badServerSide) OnServerSideEmit(s *sock, event string)            {}
func (*badExpired) OnRecoveryExpired(s *sock)                            {}

func (*badAny) OnAny(s *sock, event string)                  {}
func (*badAnyTypes) OnAny(s *sock, event string, args []any) {}
func (*badComplex) OnPing(s *sock, c complex128)             {}
func (*badReservedName) OnConnectError(s *sock)              {}
func (*badMapsReserved) OnPing(s *sock)                      {}
func (*badMapsReserved) EventNames() map[string]string {
	return map[string]string{"OnPing": "disconnect"}
}

func TestCompileRefused(t *testing.T) {
	const (
		event      = "allowed: func([ctx context.Context,] s *namespace.Socket, args...)"
		connect    = "allowed: func([ctx context.Context,] s *namespace.Socket[, auth T]) [error]"
		disconnect = "allowed: func([ctx context.Context,] s *namespace.Socket[, reason string])"
		onError    = "allowed: func(s *namespace.Socket, event string, err error) [T]"
		onAny      = "allowed: func([ctx context.Context,] s *namespace.Socket, event string, args []json.RawMessage)"
	)
	tests := []struct {
		ns   any
		want []string // substrings of the error, in order
	}{
		{&badNoSocket{}, []string{"badNoSocket.OnPing has signature func()", "must be *namespace.Socket", event}},
		{&badSocketLater{}, []string{"badSocketLater.OnPing has signature func(string, *namespace.Socket)", "must be *namespace.Socket", event}},
		{&badChan{}, []string{"badChan.OnPing has signature func(*namespace.Socket, chan int)", "chan values cannot be decoded from JSON", event}},
		{&badFunc{}, []string{"badFunc.OnPing", "func values cannot be decoded from JSON", event}},
		{&badInterface{}, []string{"badInterface.OnPing", "(io.Reader): interface parameters must be any", event}},
		{&badVariadic{}, []string{"badVariadic.OnPing", "must be ...json.RawMessage or ...any, found ...int", event}},
		{&badErrFirst{}, []string{"badErrFirst.OnPing has signature func(*namespace.Socket) (error, int)", "error must be the last result", event}},
		{&badResultChan{}, []string{"badResultChan.OnPing", "result 1 (chan int): chan values cannot be encoded as JSON", event}},
		{&badTwoSockets{}, []string{"badTwoSockets.OnPing", "only the first parameters may be the context and the socket", event}},
		{&badCtxLater{}, []string{"badCtxLater.OnPing", "(context.Context): only the first parameters may be the context and the socket", event}},
		{&badComplex{}, []string{"badComplex.OnPing", "complex128 values cannot be decoded", event}},
		{&badConnectTwo{}, []string{"badConnectTwo.OnConnect has signature func(*namespace.Socket, int, int) error", "at most one parameter", connect}},
		{&badConnectAck{}, []string{"badConnectAck.OnConnect", "it may only return an error", connect}},
		{&badConnectVar{}, []string{"badConnectVar.OnConnect", "at most one parameter", connect}},
		{&badDisconnect{}, []string{"badDisconnect.OnDisconnect has signature func(*namespace.Socket, int)", disconnect}},
		{&badDiscResult{}, []string{"badDiscResult.OnDisconnect has signature func(*namespace.Socket) error", disconnect}},
		{&badError{}, []string{"badError.OnError has signature func(*namespace.Socket, error)", onError}},
		{&badErrorTwo{}, []string{"badErrorTwo.OnError", onError}},
		{&badAny{}, []string{"badAny.OnAny has signature func(*namespace.Socket, string)", "must take the event name and the raw args", onAny}},
		{&badAnyTypes{}, []string{"badAnyTypes.OnAny", "must take the event name and the raw args", onAny}},
		{&badExpired{}, []string{"badExpired.OnRecoveryExpired has signature func(*namespace.Socket)", "func(id string, data map[string]any)"}},
		{&badServerSide{}, []string{"badServerSide.OnServerSideEmit has signature func(*namespace.Socket, string)", "func(event string, args []json.RawMessage)"}},
		{&badReservedName{}, []string{`badReservedName.OnConnectError handles "connect_error"`, "reserved by Socket.IO", "EventNames"}},
		{&badMapsReserved{}, []string{`badMapsReserved.OnPing handles "disconnect"`, "reserved by Socket.IO"}},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(typeName(tt.ns), "*"), func(t *testing.T) {
			_, err := dispatch.Compile(tt.ns)
			if err == nil {
				t.Fatal("Compile succeeded, want an error")
			}
			if !errors.Is(err, errors.ErrRegistration) {
				t.Errorf("error %v does not match ErrRegistration", err)
			}
			containsInOrder(t, err.Error(), tt.want)
		})
	}
}

// containsInOrder fails t unless s holds each of subs, in order.
func containsInOrder(t *testing.T, s string, subs []string) {
	t.Helper()
	rest := s
	for _, sub := range subs {
		i := strings.Index(rest, sub)
		if i < 0 {
			t.Errorf("error text lacks %q (in order)\nerror: %s", sub, s)
			return
		}
		rest = rest[i+len(sub):]
	}
}

// manyProblems has four bad methods and one good one.
type manyProblems struct{}

func (*manyProblems) OnA()                          {}
func (*manyProblems) OnB(s *sock, c chan int)       {}
func (*manyProblems) OnDisconnect(s *sock, n int)   {}
func (*manyProblems) OnError(s *sock)               {}
func (*manyProblems) OnGood(s *sock)                {}
func (*manyProblems) EventNames() map[string]string { return map[string]string{"OnMissing": "x"} }

func TestCompileReportsEveryProblem(t *testing.T) {
	_, err := dispatch.Compile(&manyProblems{})
	if err == nil {
		t.Fatal("Compile succeeded")
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %T is not an errors.Join", err)
	}
	var names []string
	for _, e := range joined.Unwrap() {
		if !errors.Is(e, errors.ErrRegistration) {
			t.Errorf("problem %v does not match ErrRegistration", e)
		}
		for _, m := range []string{"OnA ", "OnB ", "OnDisconnect ", "OnError ", "OnMissing"} {
			if strings.Contains(e.Error(), m) {
				names = append(names, strings.TrimSpace(m))
			}
		}
	}
	slices.Sort(names)
	want := []string{"OnA", "OnB", "OnDisconnect", "OnError", "OnMissing"}
	if !slices.Equal(names, want) {
		t.Errorf("problems name %q, want %q\n%v", names, want, err)
	}
	if !strings.Contains(err.Error(), `manyProblems.EventNames maps "OnMissing", which is not a method of *dispatch_test.manyProblems`) {
		t.Errorf("missing EventNames problem: %v", err)
	}
}

type dupEvents struct{}

func (*dupEvents) OnChatMessage(s *sock)         {}
func (*dupEvents) OnChat(s *sock)                {}
func (*dupEvents) EventNames() map[string]string { return map[string]string{"OnChat": "chat_message"} }

type value struct{}

func (*value) OnPing(s *sock) {}

func TestCompileDuplicatesAndValues(t *testing.T) {
	tests := []struct {
		name string
		ns   any
		want []string
	}{
		{"duplicate event", &dupEvents{}, []string{"dupEvents.", "both handle event \"chat_message\""}},
		{"struct value", value{}, []string{"dispatch_test.value is not a pointer to a struct", "pass a pointer: Register(&value{})"}},
		{"nil", nil, []string{"nil namespace"}},
		{"pointer to non-struct", new(int), []string{"*int is not a pointer to a struct", "pass a pointer to a struct"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dispatch.Compile(tt.ns)
			if !errors.Is(err, errors.ErrRegistration) {
				t.Fatalf("Compile error = %v, want ErrRegistration", err)
			}
			containsInOrder(t, err.Error(), tt.want)
		})
	}
}

type mapped struct{}

func (*mapped) OnChatMessage(s *sock) {}
func (*mapped) OnOrderCreate(s *sock) {}
func (*mapped) EventNames() map[string]string {
	return map[string]string{"OnChatMessage": "chat message", "OnOrderCreate": "order:create"}
}

func TestCompileEventNames(t *testing.T) {
	table, err := dispatch.Compile(&mapped{})
	if err != nil {
		t.Fatal(err)
	}
	got := table.Events()
	slices.Sort(got)
	if want := []string{"chat message", "order:create"}; !slices.Equal(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
}

func TestEventName(t *testing.T) {
	tests := []struct{ method, want string }{
		{"OnSendMessage", "send_message"},
		{"OnJSON", "json"},
		{"OnHTTPPing", "http_ping"},
		{"OnMessage", "message"},
		{"OnX", "x"},
		{"OnGetURLForID", "get_url_for_id"},
		{"OnV2Update", "v2_update"},
	}
	for _, tt := range tests {
		if got := router.EventName(tt.method); got != tt.want {
			t.Errorf("EventName(%q) = %q, want %q", tt.method, got, tt.want)
		}
	}
}

func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return strings.TrimPrefix(strings.TrimPrefix(fmtType(v), "*"), "dispatch_test.")
}

func fmtType(v any) string { return reflect.TypeOf(v).String() }
