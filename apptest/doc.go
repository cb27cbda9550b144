// Package apptest is an in-process Socket.IO client for testing an App,
// like Flask-SocketIO's test_client: no network, no Engine.IO transport,
// just the app's router fed through an in-memory session. Options (auth
// payload, handshake headers and query, ack answers, connect timeout) is a
// struct read once, like every configuration in Socketeer; nil means the
// defaults.
//
//	a := app.New(app.Options{})
//	a.Register(&Chat{}, "/chat")
//	c := apptest.Connect(t, a, "/chat", &apptest.Options{Auth: map[string]any{"token": "t1"}})
//	c.Emit("send_message", Message{Room: "lobby", Text: "hi"})
//	ev, err := c.WaitFor(ctx, "message")
//
// NewClient sends CONNECT and waits for the server's answer; a refusal
// comes back as a *ConnectError with the message and data the server
// chose (it unwraps to the server's *errors.ClientError). Errors match the
// sentinels of package errors: ErrDisconnected is errors.ErrSocketClosed,
// a missing answer errors.ErrAckTimeout. Emit and EmitWithAck return once the server's handler ran, so the
// events it sent back are already in Received; WaitFor waits for events
// sent from elsewhere (another client, a goroutine). []byte args travel
// as binary attachments, and binary the server sends is inlined in the
// received args as base64 strings, which decode into []byte.
//
// A client speaks its app's parser (app.Options.Parser): with
// app.ParserMsgpack every packet travels both ways as one MessagePack
// message, binary values inline, exactly as a real msgpack client sends
// them; what tests see (Received, Reply) is the same with both parsers.
//
// The server's events that ask for an acknowledgement are answered by
// Options.OnAck, from another goroutine as a real client would. Disconnect leaves the namespace ("client namespace
// disconnect" on the server); Close drops the connection ("transport
// close").
//
// # Concurrency
//
// A Client is safe for concurrent use. Like an Engine.IO session, it hands
// the server one packet at a time.
package apptest
