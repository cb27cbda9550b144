package errors

import "fmt"

// PanicError is a panic recovered from a handler. The stack goes to the
// debug tracer; [Wire] always shows a panic as an internal error, even when
// the panic value is a *ClientError.
type PanicError struct {
	// Event is the event whose handler panicked.
	Event string
	// Value is the value passed to panic.
	Value any
	// Stack is the goroutine's stack trace at the panic, from
	// runtime/debug.Stack.
	Stack []byte
}

// Error describes the panic without the stack.
func (e *PanicError) Error() string {
	return fmt.Sprintf("socketeer: panic in handler for %q: %v", e.Event, e.Value)
}

// Unwrap returns Value if it is an error, such as a runtime.Error, and nil
// otherwise.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
