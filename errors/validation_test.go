package errors_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
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

// jsonNames makes the validator report JSON names, as the router does.
func jsonNames(v *validator.Validate) {
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
}

func TestFromValidator(t *testing.T) {
	msg := sendMessage{Room: "", Count: 7, Items: []item{{Name: "ok"}, {Name: "ok"}, {Name: "toolong"}}}
	tests := []struct {
		name      string
		configure func(*validator.Validate)
		want      []errors.FieldError
	}{
		{"json names", jsonNames, []errors.FieldError{
			{Field: "room", Rule: "required"},
			{Field: "count", Rule: "max", Param: "5", Value: 7},
			{Field: "items[2].name", Rule: "max", Param: "5", Value: "toolong"},
		}},
		{"go names", func(*validator.Validate) {}, []errors.FieldError{
			{Field: "Room", Rule: "required"},
			{Field: "Count", Rule: "max", Param: "5", Value: 7},
			{Field: "Items[2].Name", Rule: "max", Param: "5", Value: "toolong"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := validator.New()
			tt.configure(v)
			err := errors.FromValidator("send_message", fmt.Errorf("bind: %w", v.Struct(msg)))
			ve, ok := errors.AsType[*errors.ValidationError](err)
			if !ok {
				t.Fatalf("got %T %v, want *ValidationError", err, err)
			}
			if ve.Event != "send_message" {
				t.Errorf("Event = %q", ve.Event)
			}
			if !reflect.DeepEqual(ve.Fields, tt.want) {
				t.Errorf("Fields =\n %#v\nwant\n %#v", ve.Fields, tt.want)
			}
		})
	}
}

func TestFromValidatorWire(t *testing.T) {
	v := validator.New()
	jsonNames(v)
	err := errors.FromValidator("send_message", v.Struct(sendMessage{Room: "lobby-42"}))
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

func TestFromValidatorPassesOtherErrorsThrough(t *testing.T) {
	if errors.FromValidator("e", nil) != nil {
		t.Error("nil is not returned as nil")
	}
	other := errors.New("other")
	if errors.FromValidator("e", other) != other {
		t.Error("a non-validator error is changed")
	}
	invalid := validator.New().Struct(42) // *validator.InvalidValidationError
	if got := errors.FromValidator("e", invalid); got != invalid {
		t.Errorf("an InvalidValidationError is changed into %v", got)
	}
	if err := validator.New().Struct(sendMessage{Room: "ok"}); errors.FromValidator("e", err) != nil {
		t.Error("a valid struct gives an error")
	}
}
