package dispatch_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/dispatch"
)

// OnServerSideEmit shapes: the result, if any, is the answer to a
// ServerSideEmitWithAck; an error means no answer.
type (
	ssPlain    struct{ got string }
	ssAny      struct{}
	ssTyped    struct{}
	ssAnswerOr struct{}
	ssErrOnly  struct{}
	ssBadTwo   struct{}
	ssBadFirst struct{}
	ssBadChan  struct{}
	ssBadVar   struct{}
)

func (p *ssPlain) OnServerSideEmit(event string, args []json.RawMessage) { p.got = event }
func (*ssAny) OnServerSideEmit(event string, args []json.RawMessage) any {
	return map[string]any{"event": event, "n": len(args)}
}
func (*ssTyped) OnServerSideEmit(event string, args []json.RawMessage) []int { return []int{len(args)} }
func (*ssAnswerOr) OnServerSideEmit(event string, args []json.RawMessage) (string, error) {
	if event == "no" {
		return "", fmt.Errorf("no answer to %q", event)
	}
	return "yes", nil
}
func (*ssErrOnly) OnServerSideEmit(event string, args []json.RawMessage) error {
	return fmt.Errorf("failed %q", event)
}
func (*ssBadTwo) OnServerSideEmit(event string, args []json.RawMessage) (int, int) { return 0, 0 }
func (*ssBadFirst) OnServerSideEmit(event string, args []json.RawMessage) (error, int) {
	return nil, 0
}
func (*ssBadChan) OnServerSideEmit(event string, args []json.RawMessage) chan int { return nil }
func (*ssBadVar) OnServerSideEmit(event string, args ...json.RawMessage)          {}

func TestServerSideAnswers(t *testing.T) {
	args := []json.RawMessage{json.RawMessage(`1`), json.RawMessage(`"two"`)}
	tests := []struct {
		name    string
		ns      any
		event   string
		answer  []json.RawMessage // nil: no answer
		wantErr string
	}{
		{"plain never answers", &ssPlain{}, "e", nil, ""},
		{"any result", &ssAny{}, "e", []json.RawMessage{json.RawMessage(`{"event":"e","n":2}`)}, ""},
		{"typed result", &ssTyped{}, "e", []json.RawMessage{json.RawMessage(`[2]`)}, ""},
		{"value and nil error", &ssAnswerOr{}, "e", []json.RawMessage{json.RawMessage(`"yes"`)}, ""},
		{"error means no answer", &ssAnswerOr{}, "no", nil, `no answer to "no"`},
		{"error only", &ssErrOnly{}, "e", nil, `failed "e"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			table, err := dispatch.Compile(tt.ns)
			if err != nil {
				t.Fatal(err)
			}
			answer, err := table.ServerSide()(tt.event, args)
			if !reflect.DeepEqual(answer, tt.answer) {
				t.Errorf("answer %s, want %s", answer, tt.answer)
			}
			if got := fmt.Sprint(err); (tt.wantErr == "" && err != nil) || (tt.wantErr != "" && got != tt.wantErr) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
	p := &ssPlain{}
	table, _ := dispatch.Compile(p)
	table.ServerSide()("called", nil)
	if p.got != "called" {
		t.Errorf("plain handler got %q", p.got)
	}
}

func TestServerSideRefused(t *testing.T) {
	const allowed = "allowed: func(event string, args []json.RawMessage) [T] [error]"
	tests := []struct {
		ns   any
		want []string
	}{
		{&ssBadTwo{}, []string{"ssBadTwo.OnServerSideEmit has signature func(string, []json.RawMessage) (int, int)", allowed}},
		{&ssBadFirst{}, []string{"ssBadFirst.OnServerSideEmit has signature func(string, []json.RawMessage) (error, int)", allowed}},
		{&ssBadChan{}, []string{"ssBadChan.OnServerSideEmit has signature func(string, []json.RawMessage) chan int", allowed}},
		{&ssBadVar{}, []string{"ssBadVar.OnServerSideEmit has signature func(string, ...json.RawMessage)", allowed}},
	}
	for _, tt := range tests {
		t.Run(typeName(tt.ns), func(t *testing.T) {
			_, err := dispatch.Compile(tt.ns)
			if !errors.Is(err, errors.ErrRegistration) {
				t.Fatalf("error %v, want ErrRegistration", err)
			}
			containsInOrder(t, err.Error(), tt.want)
		})
	}
}
