package errors_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/socketeer/socketeer/errors"
)

func TestWire(t *testing.T) {
	validation := &errors.ValidationError{Event: "send", Fields: []errors.FieldError{
		{Field: "room", Rule: "required"},
		{Field: "text", Rule: "max", Param: "5", Value: "toolong"},
	}}
	decode := &errors.DecodeError{Event: "send", Arg: 0, Err: errors.New("not a string")}
	secret := errors.New("dial tcp 10.0.0.7:5432: connection refused")
	tests := []struct {
		name  string
		err   error
		debug bool
		want  string
	}{
		{"nil", nil, false, `null`},
		{"validation", validation, false,
			`{"error":{"code":"validation","fields":[{"field":"room","rule":"required"},` +
				`{"field":"text","rule":"max","param":"5","value":"toolong"}],"message":"validation failed"}}`},
		{"validation without fields", &errors.ValidationError{Event: "send"}, false,
			`{"error":{"code":"validation","fields":[],"message":"validation failed"}}`},
		{"validation wrapped", fmt.Errorf("handler: %w", validation), true,
			`{"error":{"code":"validation","fields":[{"field":"room","rule":"required"},` +
				`{"field":"text","rule":"max","param":"5","value":"toolong"}],"message":"validation failed"}}`},
		{"client", errors.Client("room is full", map[string]int{"max": 10}), false,
			`{"error":{"code":"client","data":{"max":10},"message":"room is full"}}`},
		{"client without data", errors.Client("room is full", nil), false,
			`{"error":{"code":"client","message":"room is full"}}`},
		{"client wrapped", fmt.Errorf("join: %w", errors.Client("room is full", nil)), false,
			`{"error":{"code":"client","message":"room is full"}}`},
		{"decode", decode, false,
			`{"error":{"code":"bad_request","message":"socketeer: event \"send\" arg 0: not a string"}}`},
		{"decode wrapped", fmt.Errorf("handler: %w", decode), false,
			`{"error":{"code":"bad_request","message":"socketeer: event \"send\" arg 0: not a string"}}`},
		{"ErrArgs wrapped", fmt.Errorf("%w: want 2, got 1", errors.ErrArgs), false,
			`{"error":{"code":"bad_request","message":"socketeer: bad event arguments: want 2, got 1"}}`},
		{"internal", secret, false,
			`{"error":{"code":"internal","message":"internal server error"}}`},
		{"internal debug", secret, true,
			`{"error":{"code":"internal","message":"dial tcp 10.0.0.7:5432: connection refused"}}`},
		{"sentinel is internal", errors.ErrAckTimeout, false,
			`{"error":{"code":"internal","message":"internal server error"}}`},
		{"panic with a client error", &errors.PanicError{Event: "send", Value: errors.Client("x", nil)}, false,
			`{"error":{"code":"internal","message":"internal server error"}}`},
		{"panic debug", &errors.PanicError{Event: "send", Value: "boom"}, true,
			`{"error":{"code":"internal","message":"socketeer: panic in handler for \"send\": boom"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(errors.Wire(tt.err, tt.debug))
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("Wire =\n %s\nwant\n %s", b, tt.want)
			}
		})
	}
}
