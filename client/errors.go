package client

import (
	"encoding/json"

	"github.com/socketeer/socketeer/errors"
)

// Sentinel errors of the client. Compare them with errors.Is: they are
// wrapped where they cross a boundary.
var (
	// ErrBufferFull reports an emit while the socket is disconnected and
	// Options.MaxBuffer emits already wait for the connection.
	ErrBufferFull = errors.New("socketeer: client send buffer full")

	// ErrDisconnected reports an acknowledgement that cannot come: the
	// socket disconnected after the event was sent.
	ErrDisconnected = errors.New("socketeer: client socket disconnected")

	// ErrClosed reports an operation on a Manager that was closed, or on a
	// socket that was disconnected on purpose.
	ErrClosed = errors.New("socketeer: client closed")

	// ErrConnectRefused is matched by every *ConnectError: the server
	// refused to let the socket join its namespace.
	ErrConnectRefused = errors.New("socketeer: namespace connection refused")

	// ErrReconnectFailed reports that the Manager gave up reconnecting
	// (Options.ReconnectAttempts reached, or reconnection is off); it wraps
	// the last connection error.
	ErrReconnectFailed = errors.New("socketeer: client could not connect")

	// ErrHandlerQueueFull reports a socket whose handlers fell more than
	// Options.MaxPending events behind; the connection is dropped (and
	// re-established) rather than buffering without bound.
	ErrHandlerQueueFull = errors.New("socketeer: client handler queue full")
)

// ConnectError is the server's refusal of a namespace CONNECT: the
// CONNECT_ERROR packet's message and data, as socket.io-client shows them
// in err.message and err.data. It matches ErrConnectRefused.
type ConnectError struct {
	// Namespace is the namespace the socket tried to join.
	Namespace string
	// Message is the server's message, such as "Invalid namespace".
	Message string
	// Data is the server's data as raw JSON; nil when it sent none.
	Data json.RawMessage
}

// Error describes the refusal.
func (e *ConnectError) Error() string {
	return "socketeer: connect to " + e.Namespace + " refused: " + e.Message
}

// Is reports whether target is ErrConnectRefused.
func (e *ConnectError) Is(target error) bool { return target == ErrConnectRefused }

// parseConnectError reads a CONNECT_ERROR payload: an object with message
// and data, or (from older servers) a bare string.
func parseConnectError(nsp string, data json.RawMessage) *ConnectError {
	e := &ConnectError{Namespace: nsp}
	var body struct {
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if json.Unmarshal(data, &body) == nil {
		e.Message, e.Data = body.Message, body.Data
	} else if json.Unmarshal(data, &e.Message) != nil {
		e.Message = string(data)
	}
	return e
}
