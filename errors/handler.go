package errors

import "strconv"

// HandlerError wraps the error a handler returned with where it happened.
type HandlerError struct {
	// Namespace is the namespace of the handler, like "/chat".
	Namespace string
	// Event is the event the handler was called for.
	Event string
	// Err is what the handler returned.
	Err error
}

// Error names the namespace and the event, followed by Err's text.
func (e *HandlerError) Error() string {
	s := "socketeer: handler for " + strconv.Quote(e.Event) + " in namespace " + strconv.Quote(e.Namespace)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns Err.
func (e *HandlerError) Unwrap() error { return e.Err }
