package errors

import "strconv"

// DecodeError reports an event argument that does not decode into the
// handler's parameter, or an argument list of the wrong length. It matches
// [ErrArgs], and [Wire] shows it to the client as a "bad_request".
type DecodeError struct {
	// Event is the event whose arguments were rejected.
	Event string
	// Arg is the 0-based index of the argument among the handler's
	// arguments, or -1 when the problem is the list as a whole.
	Arg int
	// Err is the underlying problem, typically from encoding/json.
	Err error
}

// Error names the event and the argument, like
//
//	socketeer: event "move" arg 1: json: cannot unmarshal string into Go value of type int
func (e *DecodeError) Error() string {
	s := "socketeer: event " + strconv.Quote(e.Event)
	if e.Arg < 0 {
		s += " args"
	} else {
		s += " arg " + strconv.Itoa(e.Arg)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns Err.
func (e *DecodeError) Unwrap() error { return e.Err }

// Is reports whether target is [ErrArgs], so that every DecodeError matches
// it whatever Err is.
func (e *DecodeError) Is(target error) bool { return target == ErrArgs }
