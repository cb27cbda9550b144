package dispatch

import (
	"github.com/socketeer/socketeer/internal/trace"
	"github.com/socketeer/socketeer/protocol"
)

// Intercept lets acknowledgements overtake the event queue: the session's
// reader calls it for every message before queueing it, and a plain ACK
// packet is delivered at once. A handler that waits for the ack of an emit
// to its own socket (EmitWithAck) then gets it while it still runs, as in
// Node's socket.io. Every other packet is left to OnMessage, in order.
//
// The reader follows binary packets to know which binary messages are
// attachments: an ACK text packet that arrives while attachments are owed
// is a protocol error, which OnMessage reports.
func (c *client) Intercept(data []byte, binary bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mp != nil {
		return c.interceptMsgpack(data, binary)
	}
	if binary {
		if c.attachmentsAhead > 0 {
			c.attachmentsAhead--
		}
		return false
	}
	if c.attachmentsAhead > 0 {
		return false // the Decoder reports a text message among attachments
	}
	p, n := protocol.PeekText(data, c.r.opts.Limits)
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
	if tr := c.r.opts.Tracer; tr != nil {
		tr.Packet(&trace.Packet{Dir: trace.In, EngineID: c.sess.ID(), SocketID: s.ID(),
			Namespace: p.Namespace, Kind: p.Type.String(), AckID: p.ID, Args: p.Data})
	}
	s.HandleAck(p.ID, args)
	return true
}

// interceptMsgpack is Intercept for the msgpack parser, where every
// message is a whole packet: a well-formed ACK (with binary args or not)
// is delivered at once.
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
	if tr := c.r.opts.Tracer; tr != nil {
		tr.Packet(&trace.Packet{Dir: trace.In, EngineID: c.sess.ID(), SocketID: s.ID(),
			Namespace: p.Namespace, Kind: p.Type.String(), AckID: p.ID, Args: p.Data,
			Attachments: len(p.Attachments)})
	}
	s.HandleAck(p.ID, args)
	return true
}
