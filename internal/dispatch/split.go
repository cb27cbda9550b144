package dispatch

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/socketeer/socketeer/protocol"
)

// maxIDDigits is the Decoder's bound on an ack id's digits.
const maxIDDigits = 18

// fastEvent decodes the commonest message, an EVENT of the main namespace
// whose name is a string, validating and splitting its payload in one
// pass (protocol.SplitEvent) where the Decoder and then splitEvent would
// each walk it. It gives the packet the Decoder would give, with the name
// and args of splitEvent; anything else, and anything the Decoder would
// refuse, is declined (ok false) for the Decoder to decide. The packet does
// not alias msg; it is returned by value, so that it can live on the
// caller's stack.
func fastEvent(msg []byte) (p protocol.Packet, name string, args []json.RawMessage, ok bool) {
	if len(msg) < 3 || msg[0] != '0'+byte(protocol.Event) {
		return p, "", nil, false
	}
	i, id := 1, int64(protocol.NoID)
	for ; i < len(msg) && '0' <= msg[i] && msg[i] <= '9'; i++ {
		if i-1 == maxIDDigits {
			return p, "", nil, false
		}
		id = max(id, 0)*10 + int64(msg[i]-'0')
	}
	start := skipWS(msg, i)
	data := msg[start:trimWS(msg, start, len(msg))]
	if len(data) < 2 || data[0] != '[' {
		return p, "", nil, false // a namespace, no payload or not an array
	}
	if j := skipWS(data, 1); j >= len(data) || data[j] != '"' {
		return p, "", nil, false // a numeric name is rewritten by the Decoder
	}
	data = bytes.Clone(data)
	name, args, err := protocol.SplitEvent(data)
	if err != nil || protocol.ReservedEvent(name) {
		return p, "", nil, false
	}
	return protocol.Packet{Type: protocol.Event, Namespace: "/", ID: id, Data: data}, name, args, true
}

// splitEvent is protocol.SplitEvent for the payload of an EVENT packet
// that a decoder of this client produced, which has therefore been
// validated as JSON already: it finds the elements by following strings
// and nesting only, without a second validating scan. An event name that
// needs unescaping, a numeric one, or a payload that is not an array go
// to protocol.SplitEvent, which decides.
func splitEvent(data json.RawMessage) (string, []json.RawMessage, error) {
	var buf [8]json.RawMessage
	elems, ok := splitValid(data, buf[:0])
	if !ok || len(elems) == 0 {
		return protocol.SplitEvent(data)
	}
	first := elems[0]
	if len(first) < 2 || first[0] != '"' {
		return protocol.SplitEvent(data)
	}
	inner := first[1 : len(first)-1]
	if bytes.IndexByte(inner, '\\') >= 0 || !utf8.Valid(inner) {
		return protocol.SplitEvent(data)
	}
	var args []json.RawMessage
	if len(elems) > 1 {
		args = make([]json.RawMessage, len(elems)-1)
		copy(args, elems[1:])
	}
	return string(inner), args, nil
}

// splitValid appends the elements of the valid JSON array data to out,
// without their surrounding whitespace; false when data is not an array.
func splitValid(data []byte, out []json.RawMessage) ([]json.RawMessage, bool) {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, false
	}
	depth, start := 0, skipWS(data, i+1)
	for i = start; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
		case ']', '}':
			if depth > 0 {
				depth--
				continue
			}
			if end := trimWS(data, start, i); end > start {
				out = append(out, data[start:end:end])
			}
			return out, true
		case ',':
			if depth == 0 {
				end := trimWS(data, start, i)
				out = append(out, data[start:end:end])
				start = skipWS(data, i+1)
				i = start - 1
			}
		}
	}
	return nil, false
}

func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipWS(data []byte, i int) int {
	for i < len(data) && isWS(data[i]) {
		i++
	}
	return i
}

// trimWS returns the end of data[start:end] without trailing whitespace.
func trimWS(data []byte, start, end int) int {
	for end > start && isWS(data[end-1]) {
		end--
	}
	return end
}
