package router

import (
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/socketeer/socketeer/errors"
)

// Validator checks a decoded handler argument (a pointer to it). Its
// errors should be (or wrap) an *errors.ValidationError, which the client
// sees as a "validation" error listing the fields; the router sets its
// Event. Any other error is an internal one. The default, NewValidator,
// wraps github.com/go-playground/validator/v10.
type Validator interface {
	Validate(v any) error
}

// playground is the default Validator.
type playground struct{ v *validator.Validate }

// NewValidator returns the default Validator: go-playground's validator
// reporting fields by their JSON names.
func NewValidator() Validator {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			return ""
		case "":
			return f.Name
		}
		return name
	})
	return playground{v}
}

// Validate checks v, which may be a struct, a pointer to one, or a slice
// or map of them.
func (p playground) Validate(v any) error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Struct:
		return fromValidator(p.v.Struct(rv.Interface()))
	case reflect.Slice, reflect.Array, reflect.Map:
		return fromValidator(p.v.Var(rv.Interface(), "dive"))
	}
	return nil
}

// fromValidator converts the validator.ValidationErrors that
// go-playground/validator returns, possibly wrapped, into an
// *errors.ValidationError without its Event. Any other error, including
// nil, is returned unchanged.
//
// Each Field is the validator's namespace without the top-level struct
// name, so "SendMessage.items[2].name" becomes "items[2].name"; the names
// are JSON names when the validator has the tag-name function
// NewValidator registers.
func fromValidator(err error) error {
	ves, ok := errors.AsType[validator.ValidationErrors](err)
	if !ok {
		return err
	}
	fields := make([]errors.FieldError, 0, len(ves))
	for _, fe := range ves {
		fields = append(fields, errors.FieldError{
			Field: fieldPath(fe),
			Rule:  fe.Tag(),
			Param: fe.Param(),
			Value: nonZero(fe.Value()),
		})
	}
	return &errors.ValidationError{Fields: fields}
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
