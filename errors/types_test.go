package errors_test

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/socketeer/socketeer/errors"
)

func TestDecodeError(t *testing.T) {
	tests := []struct {
		name string
		err  *errors.DecodeError
		want string
	}{
		{"arg", &errors.DecodeError{Event: "move", Arg: 1, Err: io.ErrUnexpectedEOF},
			`socketeer: event "move" arg 1: unexpected EOF`},
		{"whole list", &errors.DecodeError{Event: "move", Arg: -1, Err: errors.New("want 2 args, got 3")},
			`socketeer: event "move" args: want 2 args, got 3`},
		{"no cause", &errors.DecodeError{Event: "chat message", Arg: 0},
			`socketeer: event "chat message" arg 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			wrapped := fmt.Errorf("dispatch: %w", tt.err)
			if !errors.Is(wrapped, errors.ErrArgs) {
				t.Error("does not match ErrArgs")
			}
			if errors.Is(wrapped, errors.ErrSocketClosed) {
				t.Error("matches ErrSocketClosed")
			}
			if tt.err.Err != nil && !errors.Is(wrapped, tt.err.Err) {
				t.Error("does not match its cause")
			}
			if de, ok := errors.AsType[*errors.DecodeError](wrapped); !ok || de != tt.err {
				t.Error("As does not find it")
			}
		})
	}
}

func TestPanicError(t *testing.T) {
	var re runtime.Error
	func() {
		defer func() { re = recover().(runtime.Error) }()
		var m map[string]int
		m["x"] = 1
	}()
	err := &errors.PanicError{Event: "save", Value: re, Stack: []byte("goroutine 1")}
	if !errors.As(err, new(runtime.Error)) {
		t.Error("a runtime.Error panic value is not found by As")
	}
	want := `socketeer: panic in handler for "save": assignment to entry in nil map`
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}

	str := &errors.PanicError{Event: "save", Value: "boom"}
	if errors.Unwrap(str) != nil {
		t.Error("a string panic value unwraps to an error")
	}
	if got := str.Error(); got != `socketeer: panic in handler for "save": boom` {
		t.Errorf("Error() = %q", got)
	}
}

func TestClientErrorJSON(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"with data", errors.Client("bad token", map[string]int{"retry": 5}),
			`{"message":"bad token","data":{"retry":5}}`},
		{"nil data", errors.Client("go away", nil), `{"message":"go away"}`},
		{"value in a struct", struct{ E errors.ClientError }{errors.ClientError{Message: "m", Data: 1}},
			`{"E":{"message":"m","data":1}}`},
		{"nil pointer", (*errors.ClientError)(nil), `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got %s, want %s", b, tt.want)
			}
		})
	}
	if got := errors.Client("bad token", nil).Error(); got != "bad token" {
		t.Errorf("Error() = %q", got)
	}
}

func TestFieldErrorJSON(t *testing.T) {
	tests := []struct {
		fe   errors.FieldError
		want string
	}{
		{errors.FieldError{Field: "room", Rule: "required"}, `{"field":"room","rule":"required"}`},
		{errors.FieldError{Field: "items[2].name", Rule: "max", Param: "5", Value: "toolong"},
			`{"field":"items[2].name","rule":"max","param":"5","value":"toolong"}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.fe)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("got %s, want %s", b, tt.want)
		}
	}
}

func TestValidationErrorMessage(t *testing.T) {
	err := &errors.ValidationError{Event: "send_message", Fields: []errors.FieldError{
		{Field: "room", Rule: "required"},
		{Field: "text", Rule: "max", Param: "2000", Value: "…"},
	}}
	want := `socketeer: validation failed for "send_message": room: required; text: max=2000`
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	empty := &errors.ValidationError{Event: "x"}
	if got := empty.Error(); got != `socketeer: validation failed for "x"` {
		t.Errorf("Error() without fields = %q", got)
	}
}
