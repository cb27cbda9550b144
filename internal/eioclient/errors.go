package eioclient

import (
	"fmt"

	"github.com/socketeer/socketeer/errors"
)

var (
	// ErrClosed reports a send on a Conn that has ended or is closing.
	ErrClosed = fmt.Errorf("%w (engine.io client connection)", errors.ErrSocketClosed)
	// ErrQueueFull reports a send while Options.MaxQueue packets wait for
	// the writer: the server does not read fast enough.
	ErrQueueFull = fmt.Errorf("%w: engine.io client write queue full", errors.ErrSlowConsumer)
	// ErrParse reports a packet that breaks the Engine.IO protocol.
	ErrParse = fmt.Errorf("%w (engine.io client)", errors.ErrInvalidPacket)
	// ErrHandshake wraps every reason a handshake fails.
	ErrHandshake = fmt.Errorf("%w: engine.io handshake failed", errors.ErrConnectFailed)
)

// HTTPError is a refusal by the server: an HTTP status other than the one
// expected, with the body it sent (for Engine.IO errors, a JSON object
// with code and message; protocol.md 1.7). It matches ErrHandshake.
type HTTPError struct {
	Status int
	Body   string
}

// Error describes the refusal.
func (e *HTTPError) Error() string {
	return fmt.Sprintf("socketeer: engine.io server answered HTTP %d: %s", e.Status, e.Body)
}

// Unwrap returns ErrHandshake.
func (e *HTTPError) Unwrap() error { return ErrHandshake }
