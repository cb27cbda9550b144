package errors

import (
	"strconv"
	"strings"
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
// "validation". The default validator (router.NewValidator) returns it; a
// custom router.Validator should too, leaving Event empty for the router
// to fill in.
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
