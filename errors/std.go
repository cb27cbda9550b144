package errors

import stderrors "errors"

// ErrUnsupported is the standard library's [errors.ErrUnsupported] itself,
// so errors.Is matches it whichever package created the error.
var ErrUnsupported = stderrors.ErrUnsupported

// New returns an error that formats as the given text. Each call returns a
// distinct error value even if the text is identical. It is the standard
// library's [errors.New].
func New(text string) error { return stderrors.New(text) }

// Is reports whether any error in err's tree matches target. It is the
// standard library's [errors.Is].
func Is(err, target error) bool { return stderrors.Is(err, target) }

// As finds the first error in err's tree that matches target, and if one is
// found, sets target to that error value and returns true. It is the
// standard library's [errors.As].
func As(err error, target any) bool { return stderrors.As(err, target) }

// AsType finds the first error in err's tree that matches the type E, and
// if one is found, returns that error value and true. It is the standard
// library's [errors.AsType].
func AsType[E error](err error) (E, bool) { return stderrors.AsType[E](err) }

// Join returns an error that wraps the given errors, discarding nil ones;
// it returns nil if every error is nil. It is the standard library's
// [errors.Join].
func Join(errs ...error) error { return stderrors.Join(errs...) }

// Unwrap returns the result of calling the Unwrap method on err, if err's
// type contains an Unwrap method returning error; otherwise it returns nil.
// It is the standard library's [errors.Unwrap].
func Unwrap(err error) error { return stderrors.Unwrap(err) }
