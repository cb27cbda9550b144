package nsrt

import (
	"net/http"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/engine"
)

// Conn is the client connection a socket belongs to: one Engine.IO session
// that carries the sockets of several namespaces. The dispatcher
// implements it.
type Conn interface {
	// ID returns the Engine.IO session id.
	ID() string
	// Request returns the handshake request.
	Request() *http.Request
	// Send queues packets atomically and in order. The slice and the data
	// are shared by every recipient of a broadcast: Send must not modify
	// them.
	Send(packets ...engine.Packet) error
	// SendVolatile queues packets only if the connection can take them
	// now. The same sharing rule applies.
	SendVolatile(packets ...engine.Packet) bool
	// Frames returns the messages that carry e in the connection's parser
	// form: e.Frames() for the JSON parser, the msgpack frames otherwise.
	// They are shared like e's: the sharing rule of Send applies.
	Frames(e *adapter.Encoded) ([]engine.Packet, error)
	// WaitingForClient is called before a wait for what the client sends
	// (an acknowledgement): a handler running on the connection's reader
	// gets the reading handed to another goroutine.
	WaitingForClient()
	// Disconnect ends socket s from the server side; closeConn also closes
	// the connection with every other namespace on it.
	Disconnect(s *Socket, closeConn bool)
}
