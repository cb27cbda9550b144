package router

import (
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
)

// Validator checks a decoded handler argument (a pointer to it). The
// default wraps github.com/go-playground/validator/v10; its errors become
// *errors.ValidationError.
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
		return p.v.Struct(rv.Interface())
	case reflect.Slice, reflect.Array, reflect.Map:
		return p.v.Var(rv.Interface(), "dive")
	}
	return nil
}
