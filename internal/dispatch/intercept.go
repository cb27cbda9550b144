package dispatch

import (
	"encoding/json"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/internal/trace"
	"github.com/socketeer/socketeer/protocol"
)

// Intercept lets acknowledgements overtake the event queue: the session's
// reader calls it for every message before queueing it, and an ACK or
// BINARY_ACK packet is delivered at once (a BINARY_ACK once its
// attachments, which follow it, have arrived). A handler that waits for
// the ack of an emit to its own socket (EmitWithAck) then gets it while it
// still runs, as in Node's socket.io. Every other packet is left to
// OnMessage, in order.
//
// The reader follows binary packets to know which binary messages are
// attachments: those of a BINARY_EVENT are left to OnMessage; an ACK text
// packet that arrives while attachments are owed is a protocol error,
// which OnMessage reports.
func (c *client) Intercept(data []byte, binary bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mp != nil {
		return c.interceptMsgpack(data, binary)
	}
	if binary {
		if c.ackAttachments > 0 {
			c.ackAttachments--
			c.binaryAckPart(data)
			return true
		}
		if c.attachmentsAhead > 0 {
			c.attachmentsAhead--
		}
		return false
	}
	if c.attachmentsAhead > 0 || c.ackAttachments > 0 {
		return false // the Decoder reports a text message among attachments
	}
	p, n := protocol.PeekText(data, c.r.opts.Limits)
	if n > 0 && protocol.PacketType(data[0]-'0') == protocol.BinaryAck {
		return c.binaryAckStart(data, n)
	}
	c.attachmentsAhead = n
	if p == nil {
		return false
	}
	s := c.sockets.get(p.Namespace)
	if s == nil {
		return false
	}
	args, err := protocol.SplitArray(p.Data)
	if err != nil {
		return false
	}
	c.deliverAck(s, p, args)
	return true
}

// OnUpgrade tells the observer that the connection's sockets moved from
// polling to websocket.
func (c *client) OnUpgrade() {
	o := c.r.opts.Observer
	if o == nil {
		return
	}
	c.mu.Lock()
	sockets := c.sockets.all()
	c.mu.Unlock()
	for _, s := range sockets {
		o.Upgraded(s)
	}
}

// binaryAckStart takes the text part of a BINARY_ACK whose n attachments
// follow; false leaves an invalid one to OnMessage, which reports it.
// c.mu is held.
func (c *client) binaryAckStart(data []byte, n int) bool {
	if c.ackDec == nil {
		c.ackDec = protocol.NewDecoder(c.r.opts.Limits)
	}
	if _, _, err := c.ackDec.DecodeText(data); err != nil {
		c.ackDec.Reset()
		return false
	}
	c.ackAttachments = n
	return true
}

// binaryAckPart takes an attachment of the BINARY_ACK being collected and
// delivers the ack once it is complete. c.mu is held.
func (c *client) binaryAckPart(data []byte) {
	p, done, err := c.ackDec.DecodeBinary(data)
	switch {
	case err != nil:
		c.ackAttachments = 0
		c.ackDec.Reset()
		c.r.opts.Logf("socketeer: closing connection %s: %v", c.sess.ID(), err)
		go c.closeConn(engine.ReasonParseError)
	case done:
		s := c.sockets.get(p.Namespace)
		args, err := packetArgs(p, false)
		if s == nil || err != nil {
			c.r.opts.Logf("socketeer: closing connection %s: invalid BINARY_ACK for namespace %q", c.sess.ID(), p.Namespace)
			go c.closeConn(engine.ReasonParseError)
			return
		}
		c.deliverAck(s, p, args)
	}
}

// deliverAck traces an acknowledgement and hands it to its socket.
func (c *client) deliverAck(s *nsrt.Socket, p *protocol.Packet, args []json.RawMessage) {
	if tr := c.r.opts.Tracer; tr != nil {
		tr.Packet(&trace.Packet{Dir: trace.In, EngineID: c.sess.ID(), SocketID: s.ID(),
			Namespace: p.Namespace, Kind: p.Type.String(), AckID: p.ID, Args: p.Data,
			Attachments: len(p.Attachments)})
	}
	s.HandleAck(p.ID, args)
}

// interceptMsgpack is Intercept for the msgpack parser, where every
// message is a whole packet: a well-formed ACK (with binary args or not)
// is delivered at once. c.mu is held.
func (c *client) interceptMsgpack(data []byte, binary bool) bool {
	p := c.mp.ack(data, binary)
	if p == nil {
		return false
	}
	s := c.sockets.get(p.Namespace)
	if s == nil {
		return false
	}
	args, err := packetArgs(p, false)
	if err != nil {
		return false
	}
	c.deliverAck(s, p, args)
	return true
}
