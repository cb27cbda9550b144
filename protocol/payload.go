package protocol

import "encoding/json"

// parsePayload checks the payload rest of a packet of type t against the
// rules of protocol.md 2.2 and returns a trimmed copy of it, nil when
// absent. A numeric event name is rewritten as a string.
func parsePayload(t PacketType, rest []byte) (json.RawMessage, error) {
	if len(rest) == 0 {
		if t == Connect || t == Disconnect {
			return nil, nil
		}
		return nil, invalid("%s packet without a payload", t)
	}
	if t == Disconnect {
		return nil, invalid("DISCONNECT packet with a payload")
	}
	s := scanner{data: rest}
	if !s.whole() {
		return nil, invalid("%s payload is not valid JSON: %s at offset %d", t, s.err, s.errAt)
	}
	data := trimSpace(rest)
	switch c := data[0]; t {
	case Connect:
		if c != '{' {
			return nil, invalid("CONNECT payload is not an object")
		}
	case Event, BinaryEvent:
		if c != '[' {
			return nil, invalid("%s payload is not an array", t)
		}
		return eventPayload(t, data)
	case Ack, BinaryAck:
		if c != '[' {
			return nil, invalid("%s payload is not an array", t)
		}
	case ConnectError:
		if c != '{' && c != '"' {
			return nil, invalid("CONNECT_ERROR payload is neither an object nor a string")
		}
	}
	return clone(data), nil
}

// eventPayload checks the event name of the valid JSON array data and
// returns a copy of data.
func eventPayload(t PacketType, data []byte) (json.RawMessage, error) {
	s := scanner{data: data}
	i := skipSpace(data, 1)
	switch c := data[i]; {
	case c == ']':
		return nil, invalid("%s payload is an empty array", t)
	case c == '"':
		end := s.str(i)
		if reservedName(data[i:end], s.special) {
			return nil, invalid("%s uses the reserved event name %s", t, data[i:end])
		}
		return clone(data), nil
	case c == '-' || isDigit(c):
		end := s.number(i)
		out := make([]byte, 0, len(data)+8)
		out = append(out, data[:i]...)
		out = appendString(out, jsNumberString(data[i:end]))
		return append(out, data[end:]...), nil
	}
	return nil, invalid("%s name is neither a string nor a number", t)
}

// reservedName reports whether the JSON string token raw names a reserved
// event.
func reservedName(raw []byte, special bool) bool {
	if special && hasBackslash(raw) {
		return ReservedEvent(stringValue(raw, true))
	}
	for _, r := range reservedEvents {
		if string(raw[1:len(raw)-1]) == r {
			return true
		}
	}
	return false
}

// trimSpace removes leading and trailing JSON whitespace.
func trimSpace(b []byte) []byte {
	i, j := skipSpace(b, 0), len(b)
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

// clone returns a copy of b that shares no memory with it.
func clone(b []byte) []byte {
	c := make([]byte, len(b))
	copy(c, b)
	return c
}
