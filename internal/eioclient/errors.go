package eioclient

import (
	"errors"
	"fmt"
)

var (
	// ErrClosed reports a send on a Conn that has ended or is closing.
	ErrClosed = errors.New("socketeer: engine.io connection closed")
	// ErrQueueFull reports a send while Options.MaxQueue packets wait for
	// the writer.
	ErrQueueFull = errors.New("socketeer: engine.io write queue full")
	// ErrParse reports a packet that breaks the Engine.IO protocol.
	ErrParse = errors.New("socketeer: invalid engine.io packet")
	// ErrHandshake wraps every reason a handshake fails.
	ErrHandshake = errors.New("socketeer: engine.io handshake failed")
)

// HTTPError is a refusal by the server: an HTTP status other than the one
// expected, with the body it sent (for Engine.IO errors, a JSON object
// with code and message; protocol.md 1.7).
type HTTPError struct {
	Status int
	Body   string
}

// Error describes the refusal.
func (e *HTTPError) Error() string {
	return fmt.Sprintf("socketeer: engine.io server answered HTTP %d: %s", e.Status, e.Body)
}
