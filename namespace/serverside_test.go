package namespace

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/nsrt"
)

// ServerSideEmitWithAck needs a multi-node adapter; its args must encode.
func TestServerSideEmitWithAckRefused(t *testing.T) {
	rt := newRuntime(t, time.Second)
	tests := []struct {
		name string
		ns   *Namespace
		args []any
		want error
	}{
		{"not registered", &Namespace{}, nil, errors.ErrUnknownNamespace},
		{"single-node adapter", Of(rt), []any{1}, adapter.ErrUnsupported},
		{"standard ErrUnsupported", Of(rt), nil, errors.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			replies, err := tt.ns.ServerSideEmitWithAck(context.Background(), "e", tt.args...)
			if !errors.Is(err, tt.want) || replies != nil {
				t.Fatalf("replies %v, error %v; want none and %v", replies, err, tt.want)
			}
		})
	}
	if err := Of(rt).ServerSideEmit("e", math.Inf(1)); !errors.Is(err, errors.ErrEncode) {
		t.Fatalf("ServerSideEmit(+Inf) = %v, want ErrEncode", err)
	}
}

// loopback is a multi-node adapter in one process: its ServerSideEmitWithAck
// asks its own namespace, as a second node would answer.
type loopback struct {
	*adapter.Memory
	local adapter.Local
}

func (l *loopback) ServerSideEmitWithAck(ctx context.Context, event string, args []json.RawMessage) ([][]json.RawMessage, error) {
	var answers [][]json.RawMessage
	l.local.(adapter.LocalAcker).ServerSideEventWithAck(event, args, func(a []json.RawMessage) { answers = append(answers, a) })
	return answers, nil
}

func TestServerSideEmitWithAck(t *testing.T) {
	var logged []string
	rt, err := nsrt.New("/", nsrt.Options{
		Adapter: func(l adapter.Local) (adapter.Adapter, error) { return &loopback{adapter.NewMemory(l), l}, nil },
		Logf:    func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) },
		ServerSide: func(event string, args []json.RawMessage) ([]json.RawMessage, error) {
			switch event {
			case "decline":
				return nil, errors.New("declined")
			case "panic":
				panic("boom")
			}
			return []json.RawMessage{json.RawMessage(fmt.Sprintf(`{"event":%q,"n":%d}`, event, len(args)))}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	tests := []struct {
		event string
		args  []any
		want  []Reply
		log   string
	}{
		{"ask", []any{1, "two"}, []Reply{{Args: []json.RawMessage{json.RawMessage(`{"event":"ask","n":2}`)}}}, ""},
		{"decline", nil, nil, `socketeer: /: OnServerSideEmit("decline"): declined`},
		{"panic", nil, nil, `socketeer: /: OnServerSideEmit("panic") panicked: boom`},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			logged = nil
			replies, err := Of(rt).ServerSideEmitWithAck(context.Background(), tt.event, tt.args...)
			if err != nil || !reflect.DeepEqual(replies, tt.want) {
				t.Fatalf("replies %v, error %v; want %v", replies, err, tt.want)
			}
			if tt.log != "" && (len(logged) != 1 || !strings.HasPrefix(logged[0], tt.log)) {
				t.Fatalf("logged %q, want %q", logged, tt.log)
			}
		})
	}
	if _, err := Of(rt).ServerSideEmitWithAck(context.Background(), "e", math.NaN()); !errors.Is(err, errors.ErrEncode) {
		t.Fatalf("ServerSideEmitWithAck(NaN) = %v, want ErrEncode", err)
	}
}
