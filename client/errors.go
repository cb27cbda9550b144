package client

import (
	"encoding/json"
	"fmt"

	"github.com/socketeer/socketeer/errors"
)

// Sentinel errors of the client. Compare them with errors.Is: they are
// wrapped where they cross a boundary. Each matches a sentinel of package
// errors too, named in its comment.
var (
	// ErrBufferFull reports an emit while the socket is disconnected and
	// Options.MaxBuffer emits already wait for the connection. It matches
	// errors.ErrBufferFull.
	ErrBufferFull = fmt.Errorf("%w: client emits waiting for the connection", errors.ErrBufferFull)

	// ErrDisconnected reports an acknowledgement that cannot come: the
	// socket disconnected after the event was sent. It matches
	// errors.ErrSocketClosed.
	ErrDisconnected = fmt.Errorf("%w: client socket disconnected", errors.ErrSocketClosed)

	// ErrClosed reports an operation on a Manager that was closed, or on a
	// socket that was disconnected on purpose. It matches
	// errors.ErrSocketClosed.
	ErrClosed = fmt.Errorf("%w: client closed", errors.ErrSocketClosed)

	// ErrConnectRefused is matched by every *ConnectError: the server
	// refused to let the socket join its namespace. It matches
	// errors.ErrConnectFailed.
	ErrConnectRefused = fmt.Errorf("%w: namespace connection refused", errors.ErrConnectFailed)

	// ErrReconnectFailed reports that the Manager gave up reconnecting
	// (Options.ReconnectAttempts reached, or reconnection is off); it wraps
	// the last connection error. It matches errors.ErrConnectFailed.
	ErrReconnectFailed = fmt.Errorf("%w: gave up reconnecting", errors.ErrConnectFailed)

	// ErrHandlerQueueFull reports a socket whose handlers fell more than
	// Options.MaxPending events behind; the connection is dropped (and
	// re-established) rather than buffering without bound. It matches
	// errors.ErrSlowConsumer.
	ErrHandlerQueueFull = fmt.Errorf("%w: client handler queue full", errors.ErrSlowConsumer)
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

// Unwrap returns ErrConnectRefused and the refusal as the *errors.ClientError
// a Socketeer server's connect handler returned: its Message, and its Data
// as raw JSON. So errors.Is(err, ErrConnectRefused) and
// errors.AsType[*errors.ClientError](err) both work.
func (e *ConnectError) Unwrap() []error {
	var data any
	if e.Data != nil {
		data = e.Data
	}
	return []error{ErrConnectRefused, errors.Client(e.Message, data)}
}

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
