package router

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/go-playground/validator/v10"

	"github.com/socketeer/socketeer/errors"
)

type item struct {
	Name string `json:"name" validate:"required,max=5"`
}

type sendMessage struct {
	Room  string `json:"room" validate:"required,max=5"`
	Count int    `json:"count" validate:"max=5"`
	Items []item `json:"items" validate:"dive"`
}

func TestValidatorFields(t *testing.T) {
	msg := sendMessage{Room: "", Count: 7, Items: []item{{Name: "ok"}, {Name: "ok"}, {Name: "toolong"}}}
	tests := []struct {
		name string
		err  error
		want []errors.FieldError
	}{
		{"json names", NewValidator().Validate(&msg), []errors.FieldError{
			{Field: "room", Rule: "required"},
			{Field: "count", Rule: "max", Param: "5", Value: 7},
			{Field: "items[2].name", Rule: "max", Param: "5", Value: "toolong"},
		}},
		{"go names, wrapped", fromValidator(fmt.Errorf("bind: %w", validator.New().Struct(msg))), []errors.FieldError{
			{Field: "Room", Rule: "required"},
			{Field: "Count", Rule: "max", Param: "5", Value: 7},
			{Field: "Items[2].Name", Rule: "max", Param: "5", Value: "toolong"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ve, ok := errors.AsType[*errors.ValidationError](tt.err)
			if !ok {
				t.Fatalf("got %T %v, want *ValidationError", tt.err, tt.err)
			}
			if !reflect.DeepEqual(ve.Fields, tt.want) {
				t.Errorf("Fields =\n %#v\nwant\n %#v", ve.Fields, tt.want)
			}
		})
	}
}

func TestValidatorWire(t *testing.T) {
	err := NewValidator().Validate(&sendMessage{Room: "lobby-42"})
	ve, _ := errors.AsType[*errors.ValidationError](err)
	ve.Event = "send_message"
	want := `socketeer: validation failed for "send_message": room: max=5`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	b, _ := json.Marshal(errors.Wire(err, false))
	wantJSON := `{"error":{"code":"validation","fields":[{"field":"room","rule":"max","param":"5","value":"lobby-42"}],"message":"validation failed"}}`
	if string(b) != wantJSON {
		t.Errorf("Wire =\n %s\nwant\n %s", b, wantJSON)
	}
}

func TestValidatorPassesOtherErrorsThrough(t *testing.T) {
	if fromValidator(nil) != nil {
		t.Error("nil is not returned as nil")
	}
	other := errors.New("other")
	if fromValidator(other) != other {
		t.Error("a non-validator error is changed")
	}
	invalid := validator.New().Struct(42) // *validator.InvalidValidationError
	if got := fromValidator(invalid); got != invalid {
		t.Errorf("an InvalidValidationError is changed into %v", got)
	}
	if err := NewValidator().Validate(&sendMessage{Room: "ok"}); err != nil {
		t.Errorf("a valid struct gives %v", err)
	}
}
