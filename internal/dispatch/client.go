package dispatch

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/internal/trace"
	"github.com/socketeer/socketeer/protocol"
	"github.com/socketeer/socketeer/router"
)

// client is one client connection: an Engine.IO session multiplexing the
// sockets of several namespaces. It receives the session's messages in
// OnMessage, one at a time from the session's dispatcher, while the
// session's reader calls Intercept to let acknowledgements through first;
// and it is the nsrt.Conn its sockets write to.
type client struct {
	r    *Router
	sess Session
	dec  *protocol.Decoder // while a binary packet waits for its attachments; nil otherwise
	mp   *mpCodec          // the msgpack parser's codec; nil with JSON

	mu       sync.Mutex
	sockets  socketSet // one per namespace joined
	joined   bool      // some namespace was joined
	closed   bool
	reason   string // why the server closed the connection, if it did
	deadline *time.Timer

	// Read-ahead state of Intercept, which the session's reader calls.
	attachmentsAhead int               // binary messages still owed to a read-ahead packet
	ackAttachments   int               // binary messages still owed to the BINARY_ACK being collected
	ackDec           *protocol.Decoder // collects an intercepted BINARY_ACK (made when first needed)
}

var (
	_ engine.Receiver    = (*client)(nil)
	_ engine.Interceptor = (*client)(nil)
	_ nsrt.Conn          = (*client)(nil)
)

// Open starts serving a new client connection and returns the receiver
// of its messages.
func (r *Router) Open(sess Session) engine.Receiver {
	r.Serving()
	c := &client{r: r, sess: sess, mp: newCodec(r.opts.Parser, r.opts.Limits)}
	c.deadline = time.AfterFunc(r.opts.ConnectTimeout, c.connectTimeout)
	r.opts.Tracer.Engine(sess.ID(), "open")
	if o := r.opts.Observer; o != nil {
		o.SessionOpened()
	}
	return c
}

func (c *client) connectTimeout() {
	c.mu.Lock()
	late := !c.joined && !c.closed
	c.mu.Unlock()
	if late {
		c.closeConn("connect timeout")
	}
}

// stopDeadlineLocked stops the connect timeout and lets its timer go, so
// that a connected client holds no timer of the router's.
func (c *client) stopDeadlineLocked() {
	if c.deadline != nil {
		c.deadline.Stop()
		c.deadline = nil
	}
}

// closeConn closes the connection from the server side for reason.
func (c *client) closeConn(reason string) {
	c.mu.Lock()
	if c.reason == "" {
		c.reason = reason
	}
	c.mu.Unlock()
	c.sess.Close()
}

// ID returns the Engine.IO session id.
func (c *client) ID() string { return c.sess.ID() }

// Request returns the handshake request.
func (c *client) Request() *http.Request { return c.sess.Request() }

// Send queues packets on the session.
func (c *client) Send(packets ...engine.Packet) error { return c.sess.Send(packets...) }

// SendVolatile queues packets if the session can take them now.
func (c *client) SendVolatile(packets ...engine.Packet) bool { return c.sess.SendVolatile(packets...) }

// WaitingForClient tells the session that an ack from the client is
// awaited, so that a handler on its reader hands the reading over.
func (c *client) WaitingForClient() { c.sess.WaitingForClient() }

// OnMessage decodes one Engine.IO message and handles the packet once it
// is complete.
func (c *client) OnMessage(data []byte, binary bool) {
	var (
		p    *protocol.Packet
		done bool
		err  error
	)
	if o := c.r.opts.Observer; o != nil {
		o.Bytes(true, len(data))
	}
	if c.mp != nil {
		p, err = c.mp.decode(data, binary)
		done = err == nil
	} else {
		if !binary && c.dec == nil { // no binary packet waits for attachments
			if p, name, args, ok := fastEvent(data); ok {
				c.handleSplit(&p, name, args, nil)
				return
			}
		}
		p, done, err = c.decode(data, binary)
	}
	if err != nil {
		c.r.opts.Logf("socketeer: closing connection %s: %v", c.sess.ID(), err)
		c.closeConn(engine.ReasonParseError)
		return
	}
	if done {
		c.handle(p)
	}
}

// decode decodes one message with the JSON parser. The client holds a
// decoder only while a binary packet waits for its attachments; otherwise
// it borrows one from the router's pool, so an idle connection keeps none.
func (c *client) decode(data []byte, binary bool) (p *protocol.Packet, done bool, err error) {
	d := c.dec
	if d == nil {
		d = c.r.decoders.Get().(*protocol.Decoder)
	}
	if binary {
		p, done, err = d.DecodeBinary(data)
	} else {
		p, done, err = d.DecodeText(data)
	}
	if !done && err == nil {
		c.dec = d // attachments to come
		return p, done, err
	}
	c.dec = nil
	c.r.decoders.Put(d)
	return p, done, err
}

// handle acts on one complete packet.
func (c *client) handle(p *protocol.Packet) {
	var (
		name  string
		args  []json.RawMessage
		evErr error
	)
	if p.Type == protocol.Event || p.Type == protocol.BinaryEvent {
		name, args, evErr = splitEvent(p.Data) // p.Data was validated by the decoder
	}
	c.handleSplit(p, name, args, evErr)
}

// handleSplit acts on one complete packet; an EVENT comes with its name
// and args split, or with the error of the split.
func (c *client) handleSplit(p *protocol.Packet, name string, args []json.RawMessage, evErr error) {
	if tr := c.r.opts.Tracer; tr != nil {
		tr.Packet(&trace.Packet{Dir: trace.In, EngineID: c.sess.ID(), SocketID: c.socketID(p.Namespace),
			Namespace: p.Namespace, Kind: p.Type.String(), Event: name, AckID: p.ID, Args: p.Data,
			Attachments: len(p.Attachments)})
	}
	if p.Type == protocol.Connect {
		c.connect(p)
		return
	}
	c.mu.Lock()
	s := c.sockets.get(p.Namespace)
	c.mu.Unlock()
	if s == nil {
		// Any packet but CONNECT for a namespace not joined is a protocol
		// error that closes the connection, as in the reference server.
		c.r.opts.Logf("socketeer: closing connection %s: %s packet for namespace %q not connected", c.sess.ID(), p.Type, p.Namespace)
		c.closeConn(engine.ReasonParseError)
		return
	}
	switch p.Type {
	case protocol.Disconnect:
		c.remove(s, router.ReasonClientDisconnect)
	case protocol.Event, protocol.BinaryEvent:
		if evErr != nil {
			c.closeConn(engine.ReasonParseError)
			return
		}
		c.event(s, p, name, args)
	case protocol.Ack, protocol.BinaryAck:
		args, err := packetArgs(p, false)
		if err == nil {
			s.HandleAck(p.ID, args)
		}
	default:
		c.closeConn(engine.ReasonParseError)
	}
}

func (c *client) socketID(nsp string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.sockets.get(nsp); s != nil {
		return s.ID()
	}
	return ""
}

// packetArgs returns the args of an EVENT (without its name) or an ACK,
// with binary attachments inlined as base64 strings.
func packetArgs(p *protocol.Packet, event bool) ([]json.RawMessage, error) {
	data := p.Data
	if len(p.Attachments) > 0 {
		var err error
		if data, err = protocol.InlineAttachments(data, p.Attachments); err != nil {
			return nil, err
		}
	}
	if event {
		_, args, err := protocol.SplitEvent(data)
		return args, err
	}
	return protocol.SplitArray(data)
}

// connect joins the client to a namespace, asking its OnConnect first.
func (c *client) connect(p *protocol.Packet) {
	rt := c.r.namespaces[p.Namespace]
	if rt == nil {
		c.send(&protocol.Packet{Type: protocol.ConnectError, Namespace: p.Namespace, ID: protocol.NoID,
			Data: json.RawMessage(`{"message":"Invalid namespace"}`)})
		return
	}
	c.mu.Lock()
	dup := c.sockets.get(p.Namespace) != nil
	c.mu.Unlock()
	if dup {
		c.r.opts.Logf("socketeer: closing connection %s: second CONNECT to %q", c.sess.ID(), p.Namespace)
		c.closeConn(engine.ReasonParseError)
		return
	}
	s := c.open(rt.rt, p.Data)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		s.Detach()
		return
	}
	c.sockets.put(s)
	c.mu.Unlock()
	if err := c.r.runConnect(rt, s, p.Data); err != nil {
		c.mu.Lock()
		c.sockets.del(p.Namespace)
		c.mu.Unlock()
		s.Detach()
		refusedRecovered(s)
		c.send(&protocol.Packet{Type: protocol.ConnectError, Namespace: p.Namespace, ID: protocol.NoID,
			Data: connectErrorPayload(err, c.r.opts.Debug)})
		return
	}
	c.mu.Lock()
	c.joined = true
	c.stopDeadlineLocked()
	c.mu.Unlock()
	reply := make([]byte, 0, 64)
	reply = append(reply, `{"sid":"`...)
	reply = append(reply, s.ID()...)
	if pid := s.PID(); pid != "" {
		reply = append(append(reply, `","pid":"`...), pid...)
	}
	reply = append(reply, `"}`...)
	c.send(&protocol.Packet{Type: protocol.Connect, Namespace: p.Namespace, ID: protocol.NoID, Data: reply})
	s.Accept()
	if o := c.r.opts.Observer; o != nil {
		o.Connected(s)
	}
}

// send queues a packet the router itself writes (CONNECT replies, errors).
func (c *client) send(p *protocol.Packet) {
	if tr := c.r.opts.Tracer; tr != nil {
		tr.Packet(&trace.Packet{Dir: trace.Out, EngineID: c.sess.ID(), Namespace: p.Namespace,
			Kind: p.Type.String(), AckID: p.ID, Args: p.Data})
	}
	if frames, err := c.ownFrames(p); err == nil {
		c.sess.Send(frames...)
	}
}

// remove ends socket s for reason: it leaves the connection, its rooms
// and its namespace, and OnDisconnect runs, exactly once.
func (c *client) remove(s *nsrt.Socket, reason string) {
	nsp := s.Runtime().Name()
	c.mu.Lock()
	if c.sockets.get(nsp) != s {
		c.mu.Unlock()
		return
	}
	c.sockets.del(nsp)
	c.mu.Unlock()
	if recoverable(reason) {
		s.DetachKeeping()
	} else {
		s.Detach()
	}
	c.r.opts.Tracer.Disconnect(s.ID(), nsp, reason)
	if o := c.r.opts.Observer; o != nil {
		o.Disconnected(s, reason)
	}
	c.r.runDisconnect(c.r.namespaces[nsp], s, reason)
}

// Disconnect ends socket s from the server side.
func (c *client) Disconnect(s *nsrt.Socket, closeConn bool) {
	if !closeConn {
		c.disconnectOne(s)
		return
	}
	c.mu.Lock()
	all := c.sockets.all()
	c.mu.Unlock()
	for _, s := range all {
		c.disconnectOne(s)
	}
	c.closeConn(engine.ReasonForcedServerSide)
}

func (c *client) disconnectOne(s *nsrt.Socket) {
	if !s.Connected() {
		return
	}
	c.send(&protocol.Packet{Type: protocol.Disconnect, Namespace: s.Runtime().Name(), ID: protocol.NoID})
	c.remove(s, router.ReasonServerDisconnect)
}

// OnClose ends every socket of the connection when its session ends.
func (c *client) OnClose(reason string) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	if c.reason != "" {
		reason = c.reason
	}
	all := c.sockets.all()
	c.stopDeadlineLocked()
	c.mu.Unlock()
	c.r.opts.Tracer.Engine(c.sess.ID(), "close "+reason)
	if o := c.r.opts.Observer; o != nil {
		o.SessionClosed(reason)
	}
	for _, s := range all {
		c.remove(s, reason)
	}
}

// connectErrorPayload is the CONNECT_ERROR payload for a refusal: a
// *ClientError's message and data; for any other error the message
// errors.Wire shows (no internal text unless debug) and its code (and
// fields) as data.
func connectErrorPayload(err error, debug bool) json.RawMessage {
	w := errors.Wire(err, debug).Error
	body := struct {
		Message string `json:"message"`
		Data    any    `json:"data,omitzero"`
	}{Message: w.Message}
	if w.Code == "client" {
		body.Data = w.Data
	} else {
		body.Data = struct {
			Code   string              `json:"code"`
			Fields []errors.FieldError `json:"fields,omitzero"`
		}{w.Code, w.Fields}
	}
	b, mErr := json.Marshal(body)
	if mErr != nil {
		b, _ = json.Marshal(map[string]string{"message": w.Message})
	}
	return b
}

// handshake builds the Handshake of a socket from the connection's
// handshake request and the CONNECT auth payload.
func handshake(r *http.Request, auth json.RawMessage) adapter.Handshake {
	if len(auth) == 0 {
		auth = json.RawMessage("{}")
	}
	return adapter.Handshake{
		Header:  r.Header,
		Query:   r.URL.Query(),
		Auth:    auth,
		Address: r.RemoteAddr,
		URL:     r.URL.String(),
		Time:    time.Now(),
		Secure:  r.TLS != nil,
	}
}
