package app

import (
	"fmt"

	"github.com/socketeer/socketeer/internal/dispatch"
)

// Parser selects the wire form of an app's Socket.IO packets
// (Options.Parser).
type Parser uint8

const (
	// ParserJSON is socket.io-parser's form, the default: each packet is
	// a text message, its binary values are placeholders followed by one
	// binary message each.
	ParserJSON Parser = iota
	// ParserMsgpack is the form of socket.io-msgpack-parser 3.x and of
	// python-socketio's msgpack serializer: every packet, in both
	// directions, is one binary message holding one MessagePack map, with
	// binary values inline. A text message is a parse error that closes
	// the connection.
	ParserMsgpack
)

// dispatch returns the router's parser for p; New panics on an unknown
// value, as on any other programming error it can see at once.
func (p Parser) dispatch() dispatch.Parser {
	switch p {
	case ParserJSON:
		return dispatch.JSON
	case ParserMsgpack:
		return dispatch.Msgpack
	}
	panic(fmt.Sprintf("socketeer: app.Options.Parser: unknown parser %d", p))
}
