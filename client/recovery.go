package client

import (
	"encoding/json"
	"strconv"

	"github.com/socketeer/socketeer/protocol"
)

// recovery is the client's side of Socket.IO's connection state recovery
// (socket.io 4.6+): a server that offers it sends a private session id
// (pid) in its CONNECT reply and appends an offset, a string, to each
// event it may replay. On reconnecting, the socket sends the pid and the
// last offset it received with its auth; a server that still holds the
// session answers with the same pid, keeps the socket's id and rooms, and
// sends the events missed in between. It is guarded by the socket's mu.
type recovery struct {
	pid       string // the server's session id, "" if it offers no recovery
	offset    string // the offset of the last event received
	recovered bool   // the last connection recovered the session
}

// connected records the pid of a CONNECT reply.
func (r *recovery) connected(pid string) {
	r.recovered = pid != "" && pid == r.pid && r.offset != ""
	r.pid = pid
	if pid == "" {
		r.offset = ""
	}
}

// auth returns the CONNECT payload: auth, with pid and offset added when
// there is a session to recover. As in socket.io-client, fields of auth
// of the same names win (they come last).
func (r *recovery) auth(auth json.RawMessage) json.RawMessage {
	if r.pid == "" || r.offset == "" {
		return auth
	}
	b := make([]byte, 0, len(auth)+len(r.pid)+len(r.offset)+24)
	b = append(b, `{"pid":`...)
	b = strconv.AppendQuote(b, r.pid)
	b = append(b, `,"offset":`...)
	b = strconv.AppendQuote(b, r.offset)
	// auth is json.Marshal's compact encoding of an object (newSocket
	// checks it), so its members are what lies between the braces.
	if len(auth) > 2 {
		b = append(append(b, ','), auth[1:len(auth)-1]...)
	}
	return append(b, '}')
}

// stripOffset removes the offset a recovering server appended to the args
// of an event, and keeps it. As socket.io-client does, it takes the last
// arg of an event without an ack id as the offset when it is a string and
// the server offered recovery (a server does not append offsets to acked
// or volatile events; a volatile event whose last arg is a string is
// indistinguishable, and loses that arg).
func (s *Socket) stripOffset(args []json.RawMessage, id int64) []json.RawMessage {
	if id != protocol.NoID || len(args) == 0 {
		return args
	}
	last := args[len(args)-1]
	if len(last) == 0 || last[0] != '"' {
		return args
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recovery.pid == "" {
		return args
	}
	var off string
	if json.Unmarshal(last, &off) != nil {
		return args
	}
	s.recovery.offset = off
	return args[:len(args)-1]
}
