package apptest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/inproc"
	"github.com/socketeer/socketeer/internal/memsession"
	"github.com/socketeer/socketeer/internal/msgpack"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/protocol"
)

// ErrDisconnected reports an operation on a client whose socket is no
// longer connected: it disconnected, the server disconnected it, or the
// connection closed.
var ErrDisconnected = fmt.Errorf("%w: apptest: client disconnected", errors.ErrSocketClosed)

// ConnectError is the refusal of a namespace CONNECT: the CONNECT_ERROR
// packet's message and data, as a socket.io client's connect_error event
// shows them (err.message, err.data).
type ConnectError struct {
	// Namespace is the namespace the client tried to join.
	Namespace string
	// Message is the refusal's message.
	Message string
	// Data is the refusal's data as raw JSON, nil when there was none.
	Data json.RawMessage
}

// Error describes the refusal.
func (e *ConnectError) Error() string {
	return fmt.Sprintf("socketeer: apptest: connect to %s refused: %s", e.Namespace, e.Message)
}

// Unwrap returns the refusal as the *errors.ClientError the server's
// connect handler returned: its Message, and its Data as raw JSON.
func (e *ConnectError) Unwrap() error {
	var data any
	if e.Data != nil {
		data = e.Data
	}
	return errors.Client(e.Message, data)
}

// Event is one event the server sent to the client.
type Event struct {
	// Name is the event name.
	Name string
	// Args are the event's args as raw JSON; binary attachments are
	// inlined as base64 strings, so they decode into []byte.
	Args []json.RawMessage
}

// Decode unmarshals the event's args, in order, into vs.
func (e Event) Decode(vs ...any) error { return namespace.Reply{Args: e.Args}.Decode(vs...) }

// Options configures a Client; nil means the defaults.
type Options struct {
	// Auth is the CONNECT auth payload, encoded as JSON; nil sends none.
	Auth any
	// Header holds headers of the client's synthetic handshake request.
	Header http.Header
	// Query holds query parameters of the synthetic handshake request.
	Query url.Values
	// OnAck answers the server's events that ask for an acknowledgement
	// (Socket.EmitWithAck): its results are the ack's args. Without it
	// such events are received but never acknowledged.
	OnAck func(event string, args []json.RawMessage) []any
	// Timeout bounds the wait for the server's answer to CONNECT (default
	// 5s).
	Timeout time.Duration
}

// Client states.
const (
	stateConnecting = iota
	stateConnected
	stateRefused
	stateDisconnected
)

// Client is an in-process Socket.IO client of one namespace of an App,
// connected without a network, like Flask-SocketIO's
// test_client. Emit and EmitWithAck hand the packet to the server and
// return once its handler ran, so what the handler sent back is already
// in Received. Its methods are safe for concurrent use.
type Client struct {
	nsp  string
	cfg  Options
	sess *memsession.Session
	recv engine.Receiver
	// msgpack: the app speaks the msgpack parser, and so does the client.
	msgpack bool

	in      sync.Mutex // one OnMessage at a time, as the engine guarantees
	replies sync.WaitGroup

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every change
	gone     chan struct{} // closed when the socket is no longer connected
	state    int
	id       string
	refusal  *ConnectError
	events   []Event
	acks     map[int64]chan []json.RawMessage
	nextAck  int64
	protoErr error
}

// NewClient connects a client to namespace nsp of a and waits for the
// server's answer; o may be nil. A refusal is returned as a
// *ConnectError.
func NewClient(a *app.App, nsp string, o *Options) (*Client, error) {
	var cfg Options
	if o != nil {
		cfg = *o
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	var payload json.RawMessage
	if cfg.Auth != nil {
		var err error
		if payload, err = json.Marshal(cfg.Auth); err != nil {
			return nil, fmt.Errorf("%w: apptest: auth: %w", errors.ErrEncode, err)
		}
	}
	c := &Client{nsp: nsp, cfg: cfg, changed: make(chan struct{}), gone: make(chan struct{}),
		acks: make(map[int64]chan []json.RawMessage)}
	q := ""
	if len(cfg.Query) > 0 {
		q = "&" + cfg.Query.Encode()
	}
	req := httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4&transport=websocket"+q, nil)
	req.RemoteAddr = "pipe"
	for k, vs := range cfg.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	c.msgpack = inproc.Msgpack(a)
	c.sess = memsession.New(memsession.Options{Request: req, OnPacket: c.receive, OnInvalid: c.fail, Msgpack: c.msgpack,
		OnClose: func() { c.closeSession(engine.ReasonForcedServerSide) }})
	recv, ok := inproc.Open(a, c.sess)
	if !ok {
		return nil, fmt.Errorf("%w: apptest: not an app", errors.ErrUnknownNamespace)
	}
	c.recv = recv
	if err := c.write(&protocol.Packet{Type: protocol.Connect, Namespace: nsp, ID: protocol.NoID, Data: payload}); err != nil {
		return nil, err
	}
	if err := c.awaitConnect(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Connect is NewClient for tests: it fails t on error and closes the
// client when the test ends.
func Connect(t testing.TB, a *app.App, nsp string, o *Options) *Client {
	t.Helper()
	c, err := NewClient(a, nsp, o)
	if err != nil {
		t.Fatalf("apptest.Connect(%q): %v", nsp, err)
	}
	t.Cleanup(c.Close)
	return c
}

func (c *Client) awaitConnect() error {
	timer := time.NewTimer(c.cfg.Timeout)
	defer timer.Stop()
	for {
		c.mu.Lock()
		state, refusal, ch := c.state, c.refusal, c.changed
		c.mu.Unlock()
		switch state {
		case stateConnected:
			return nil
		case stateRefused:
			return refusal
		case stateDisconnected:
			return fmt.Errorf("%w: before the server answered CONNECT", ErrDisconnected)
		}
		select {
		case <-ch:
		case <-timer.C:
			return fmt.Errorf("%w: apptest: no answer to CONNECT %s in %s", errors.ErrAckTimeout, c.nsp, c.cfg.Timeout)
		}
	}
}

// ID returns the socket id the server gave the client.
func (c *Client) ID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.id
}

// Connected reports whether the client's socket is connected.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state == stateConnected
}

// Emit sends an event to the server and returns once the server handled
// it. []byte values in args travel as binary attachments (BINARY_EVENT).
func (c *Client) Emit(event string, args ...any) error {
	p, err := c.event(event, protocol.NoID, args)
	if err != nil {
		return err
	}
	return c.write(p)
}

// EmitWithAck sends an event asking for an acknowledgement and returns
// the server's ack. It fails when ctx ends or the client disconnects first.
func (c *Client) EmitWithAck(ctx context.Context, event string, args ...any) (namespace.Reply, error) {
	c.mu.Lock()
	id := c.nextAck
	c.nextAck++
	got := make(chan []json.RawMessage, 1)
	c.acks[id] = got
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.acks, id)
		c.mu.Unlock()
	}()
	p, err := c.event(event, id, args)
	if err == nil {
		err = c.write(p)
	}
	if err != nil {
		return namespace.Reply{}, err
	}
	select {
	case args := <-got:
		return namespace.Reply{Args: args}, nil
	case <-ctx.Done():
		return namespace.Reply{}, fmt.Errorf("%w: apptest: ack of %q: %w", errors.ErrAckTimeout, event, ctx.Err())
	case <-c.gone:
		return namespace.Reply{}, fmt.Errorf("%w: waiting for the ack of %q", ErrDisconnected, event)
	}
}

// event encodes an EVENT, or a BINARY_EVENT when args hold []byte values.
func (c *Client) event(name string, id int64, args []any) (*protocol.Packet, error) {
	if protocol.ReservedEvent(name) {
		return nil, fmt.Errorf("%w: %q", errors.ErrReservedEvent, name)
	}
	data, att, err := protocol.AppendEvent(nil, name, args)
	if err != nil {
		return nil, fmt.Errorf("%w: apptest: args of %q: %w", errors.ErrEncode, name, err)
	}
	p := &protocol.Packet{Type: protocol.Event, Namespace: c.nsp, ID: id, Data: data, Attachments: att}
	if len(att) > 0 {
		p.Type = protocol.BinaryEvent
	}
	return p, nil
}

// Received drains and returns the events received so far, oldest first.
func (c *Client) Received() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.events
	c.events = nil
	return out
}

// WaitFor returns the oldest received event named event, waiting for one
// until ctx ends. It removes that event from those Received returns and
// leaves the others.
func (c *Client) WaitFor(ctx context.Context, event string) (Event, error) {
	for {
		c.mu.Lock()
		for i, e := range c.events {
			if e.Name == event {
				c.events = append(c.events[:i:i], c.events[i+1:]...)
				c.mu.Unlock()
				return e, nil
			}
		}
		state, perr, ch := c.state, c.protoErr, c.changed
		c.mu.Unlock()
		if perr != nil {
			return Event{}, perr
		}
		if state == stateDisconnected {
			return Event{}, fmt.Errorf("%w: waiting for %q", ErrDisconnected, event)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return Event{}, fmt.Errorf("%w: apptest: waiting for %q: %w", errors.ErrAckTimeout, event, ctx.Err())
		}
	}
}

// Disconnect leaves the namespace, as a socket.io client's disconnect()
// does: the server gets a DISCONNECT packet ("client namespace
// disconnect"), then the connection closes.
func (c *Client) Disconnect() {
	if c.Connected() {
		c.write(&protocol.Packet{Type: protocol.Disconnect, Namespace: c.nsp, ID: protocol.NoID})
		c.setGone()
	}
	c.Close()
}

// Close closes the connection without leaving the namespace first, as a
// dropped network would: the server sees "transport close". It waits for
// the client's pending ack replies.
func (c *Client) Close() {
	c.closeSession(engine.ReasonTransportClose)
	c.replies.Wait()
}

// closeSession ends the session once, telling the server why.
func (c *Client) closeSession(reason string) {
	if !c.sess.MarkClosed() {
		return
	}
	c.setGone()
	c.recv.OnClose(reason)
}

// setGone marks the socket disconnected.
func (c *Client) setGone() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == stateDisconnected {
		return
	}
	if c.state != stateRefused {
		c.state = stateDisconnected
	}
	close(c.gone)
	c.notifyLocked()
}

func (c *Client) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// write hands a packet to the server, with its attachments.
func (c *Client) write(p *protocol.Packet) error {
	if c.msgpack {
		return c.writeMsgpack(p)
	}
	text := protocol.AppendPacket(nil, p)
	// Acks overtake the event queue, as on a real connection: a handler
	// may be waiting for this one (EmitWithAck to its own socket).
	if ic, ok := c.recv.(engine.Interceptor); ok && p.Type == protocol.Ack && !c.sess.Closed() && ic.Intercept(text, false) {
		return nil
	}
	c.in.Lock()
	defer c.in.Unlock()
	if c.sess.Closed() {
		return fmt.Errorf("%w: connection closed", ErrDisconnected)
	}
	c.recv.OnMessage(text, false)
	for _, a := range p.Attachments {
		c.recv.OnMessage(a, true)
	}
	return nil
}

// fail records an invalid packet from the server.
func (c *Client) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.protoErr == nil {
		c.protoErr = fmt.Errorf("socketeer: apptest: invalid packet from the server: %w", err)
	}
	c.notifyLocked()
}

// receive acts on one packet from the server.
func (c *Client) receive(p *protocol.Packet) {
	switch p.Type {
	case protocol.Connect:
		var body struct {
			SID string `json:"sid"`
		}
		err := json.Unmarshal(p.Data, &body)
		c.mu.Lock()
		if err == nil && c.state == stateConnecting {
			c.id, c.state = body.SID, stateConnected
		}
		c.notifyLocked()
		c.mu.Unlock()
	case protocol.ConnectError:
		var body struct {
			Message string          `json:"message"`
			Data    json.RawMessage `json:"data"`
		}
		json.Unmarshal(p.Data, &body)
		c.mu.Lock()
		c.refusal = &ConnectError{Namespace: p.Namespace, Message: body.Message, Data: body.Data}
		c.state = stateRefused
		c.notifyLocked()
		c.mu.Unlock()
	case protocol.Event, protocol.BinaryEvent:
		c.receiveEvent(p)
	case protocol.Ack, protocol.BinaryAck:
		c.receiveAck(p)
	case protocol.Disconnect:
		c.setGone()
	}
}

func (c *Client) receiveEvent(p *protocol.Packet) {
	data, err := inline(p)
	var name string
	var args []json.RawMessage
	if err == nil {
		name, args, err = protocol.SplitEvent(data)
	}
	if err != nil {
		c.fail(err)
		return
	}
	c.mu.Lock()
	c.events = append(c.events, Event{Name: name, Args: args})
	c.notifyLocked()
	c.mu.Unlock()
	if p.ID != protocol.NoID && c.cfg.OnAck != nil {
		c.replies.Add(1)
		go c.answer(p.ID, name, args) // as a real client: not on the sender's goroutine
	}
}

// answer sends the ack of the server's event id.
func (c *Client) answer(id int64, event string, args []json.RawMessage) {
	defer c.replies.Done()
	data, att, err := protocol.AppendArgs(nil, c.cfg.OnAck(event, args))
	if err != nil {
		c.fail(err)
		return
	}
	p := &protocol.Packet{Type: protocol.Ack, Namespace: c.nsp, ID: id, Data: data, Attachments: att}
	if len(att) > 0 {
		p.Type = protocol.BinaryAck
	}
	c.write(p)
}

func (c *Client) receiveAck(p *protocol.Packet) {
	data, err := inline(p)
	var args []json.RawMessage
	if err == nil {
		args, err = protocol.SplitArray(data)
	}
	if err != nil {
		c.fail(err)
		return
	}
	c.mu.Lock()
	got := c.acks[p.ID]
	delete(c.acks, p.ID)
	c.mu.Unlock()
	if got != nil {
		got <- args
	}
}

// inline returns p's payload with its binary attachments inlined as
// base64 strings.
func inline(p *protocol.Packet) (json.RawMessage, error) {
	if len(p.Attachments) == 0 {
		return p.Data, nil
	}
	return protocol.InlineAttachments(p.Data, p.Attachments)
}

// writeMsgpack hands a packet to a server of the msgpack parser: one
// binary message.
func (c *Client) writeMsgpack(p *protocol.Packet) error {
	frame, err := msgpack.AppendPacket(nil, p)
	if err != nil {
		return fmt.Errorf("%w: apptest: %w", errors.ErrEncode, err)
	}
	if ic, ok := c.recv.(engine.Interceptor); ok && p.Type == protocol.Ack && !c.sess.Closed() && ic.Intercept(frame, true) {
		return nil
	}
	c.in.Lock()
	defer c.in.Unlock()
	if c.sess.Closed() {
		return fmt.Errorf("%w: connection closed", ErrDisconnected)
	}
	c.recv.OnMessage(frame, true)
	return nil
}
