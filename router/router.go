package router

import (
	"context"
	"encoding/json"
	"strings"
	"unicode"

	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/protocol"
)

// Event is one incoming event (or connect) as middleware sees it.
type Event struct {
	// Namespace is the namespace name.
	Namespace string
	// Name is the event name; "connect" for a namespace connect.
	Name string
	// Args are the event's args as raw JSON; for a connect, the single
	// auth payload. Binary values are placeholders that point into
	// Attachments; DecodeArg resolves them.
	Args []json.RawMessage
	// Attachments are the binary attachments of a BINARY_EVENT.
	Attachments [][]byte
	// AckID is the ack id the client asked for, protocol.NoID if none.
	AckID int64
}

// Handler handles an event (or a connect) of a socket and returns its ack.
type Handler func(ctx context.Context, s *namespace.Socket, e *Event) (Result, error)

// Middleware wraps a Handler: it may inspect or refuse the event (return
// an error without calling next), time it, or change its args.
type Middleware func(next Handler) Handler

// Result holds the ack values a handler returned: Values, or Raw when the
// handler returned namespace.RawArgs (sent verbatim, without re-encoding).
type Result struct {
	Values []any
	Raw    []json.RawMessage
}

// ErrorHandler handles an error of an event or connect handler: a returned
// error, an args decode or validation failure, or a recovered panic
// (*errors.PanicError). Its return value is sent as the ack when the
// client asked for one.
type ErrorHandler func(s *namespace.Socket, event string, err error) any

// EventNamer is implemented by namespace structs that map handler methods
// to event names that are not derived from the method name, such as
// "chat message" or "order:create". Keys are method names ("OnChatMessage").
type EventNamer interface {
	EventNames() map[string]string
}

// Reasons a socket disconnects, besides the Engine.IO reasons.
const (
	ReasonClientDisconnect = "client namespace disconnect"
	ReasonServerDisconnect = "server namespace disconnect"
)

// EventName returns the default event name of a handler method:
// OnSendMessage → "send_message", OnJSON → "json", OnHTTPPing → "http_ping".
func EventName(method string) string {
	s := []rune(strings.TrimPrefix(method, "On"))
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			prevLower := i > 0 && !unicode.IsUpper(s[i-1])
			acronymEnd := i > 0 && i+1 < len(s) && unicode.IsUpper(s[i-1]) && unicode.IsLower(s[i+1])
			if prevLower || acronymEnd {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// DecodeArg decodes one raw event arg into v (a pointer), resolving binary
// placeholders: into a []byte anywhere in a typed value, and into []byte
// values inside an any.
func DecodeArg(raw json.RawMessage, attachments [][]byte, v any) error {
	if len(attachments) == 0 {
		return json.Unmarshal(raw, v)
	}
	if p, ok := v.(*any); ok {
		val, err := protocol.Reconstruct(raw, attachments)
		*p = val
		return err
	}
	inlined, err := protocol.InlineAttachments(raw, attachments)
	if err != nil {
		return err
	}
	return json.Unmarshal(inlined, v)
}
