package errors

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"
)

// FieldError is one field of a payload that failed one validation rule.
type FieldError struct {
	// Field is the JSON path of the field, like "room" or "items[2].name".
	Field string `json:"field"`
	// Rule is the rule that failed, like "required" or "max".
	Rule string `json:"rule"`
	// Param is the rule's parameter, like "64" for max=64, or "".
	Param string `json:"param,omitempty"`
	// Value is the rejected value, or nil when it was the zero value (a
	// missing required field, for instance).
	Value any `json:"value,omitempty"`
}

// ValidationError reports the fields of an event payload that failed
// validation. [Wire] shows the fields to the client under the code
// "validation".
type ValidationError struct {
	// Event is the event whose payload was rejected.
	Event string
	// Fields lists every failed rule, in the order the validator found them.
	Fields []FieldError
}

// Error lists the failed rules, like
//
//	socketeer: validation failed for "send_message": room: required; text: max=2000
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("socketeer: validation failed for ")
	b.WriteString(strconv.Quote(e.Event))
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Field)
		b.WriteString(": ")
		b.WriteString(f.Rule)
		if f.Param != "" {
			b.WriteByte('=')
			b.WriteString(f.Param)
		}
	}
	return b.String()
}

// FromValidator converts the validator.ValidationErrors that
// github.com/go-playground/validator/v10 returns, possibly wrapped, into a
// *ValidationError for event. Any other error, including nil, is returned
// unchanged.
//
// Each Field is the validator's namespace without the top-level struct
// name, so "SendMessage.items[2].name" becomes "items[2].name". The names
// are JSON names only if the validator has a tag-name function that returns
// them, registered with RegisterTagNameFunc.
func FromValidator(event string, err error) error {
	var ves validator.ValidationErrors
	if !As(err, &ves) {
		return err
	}
	fields := make([]FieldError, 0, len(ves))
	for _, fe := range ves {
		fields = append(fields, FieldError{
			Field: fieldPath(fe),
			Rule:  fe.Tag(),
			Param: fe.Param(),
			Value: nonZero(fe.Value()),
		})
	}
	return &ValidationError{Event: event, Fields: fields}
}

// fieldPath returns fe's namespace without its first segment, the name of
// the validated struct.
func fieldPath(fe validator.FieldError) string {
	if _, rest, ok := strings.Cut(fe.Namespace(), "."); ok {
		return rest
	}
	return fe.Field()
}

// nonZero returns v, or nil if v is the zero value of its type.
func nonZero(v any) any {
	if v == nil || reflect.ValueOf(v).IsZero() {
		return nil
	}
	return v
}
