package errors

// Sentinel errors returned to Go callers. They are wrapped with %w at the
// boundary that detects them, so compare them with [Is], never with ==.
var (
	// ErrUnknownNamespace reports a namespace that has no registered handler.
	ErrUnknownNamespace = New("socketeer: unknown namespace")

	// ErrReservedEvent reports an event name that Socket.IO reserves, such
	// as "connect", "disconnect" or "connect_error", used for an ordinary
	// event.
	ErrReservedEvent = New("socketeer: reserved event name")

	// ErrSocketClosed reports an emit on a socket that has disconnected.
	ErrSocketClosed = New("socketeer: socket closed")

	// ErrAckTimeout reports an acknowledgement that did not arrive in time.
	ErrAckTimeout = New("socketeer: acknowledgement timed out")

	// ErrRegistration wraps every problem Register finds with a handler, so
	// one errors.Is check covers them all.
	ErrRegistration = New("socketeer: invalid registration")

	// ErrServing reports an attempt to register or configure after the
	// server started serving.
	ErrServing = New("socketeer: server already serving")

	// ErrArgs reports event arguments of the wrong number or JSON type for
	// the handler. Every *DecodeError matches it.
	ErrArgs = New("socketeer: bad event arguments")

	// ErrSlowConsumer reports a client disconnected because it did not read
	// its packets fast enough and its write queue filled up.
	ErrSlowConsumer = New("socketeer: slow consumer")

	// ErrInvalidPacket reports a Socket.IO or Engine.IO packet that breaks
	// the protocol; the connection that sent it is closed.
	ErrInvalidPacket = New("socketeer: invalid packet")

	// ErrEncode reports event or ack args that cannot be encoded as JSON.
	ErrEncode = New("socketeer: cannot encode args")

	// ErrRateLimited reports an event refused by the rate-limit middleware.
	ErrRateLimited = New("socketeer: rate limit exceeded")

	// ErrAdapter reports a failure of a namespace's adapter: it could not
	// start, reach its backend, answer in time, or was closed. Adapters
	// wrap it in their own, more precise errors.
	ErrAdapter = New("socketeer: adapter failed")

	// ErrConnectFailed reports a client that could not connect: the server
	// was unreachable, failed the Engine.IO handshake, or refused the
	// namespace (a refusal also carries the server's *ClientError), or the
	// client gave up reconnecting.
	ErrConnectFailed = New("socketeer: client could not connect")

	// ErrBufferFull reports a client emit refused because the bounded
	// buffer of emits waiting for the connection is full.
	ErrBufferFull = New("socketeer: send buffer full")
)
