package namespace

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/protocol"
)

// Operator selects sockets of a namespace for a broadcast or a server-wide
// operation. It is a value: each method returns a new Operator, so a
// partial selection can be kept and reused.
//
//	ns.To("room1", "room2").Except("muted").Emit("news", item)
type Operator struct {
	rt       *nsrt.Runtime
	rooms    []string
	except   []string
	local    bool
	volatile bool
	timeout  time.Duration
}

// To adds rooms to the selection (socket ids are rooms too). Without any
// room the operator selects every socket of the namespace.
func (o Operator) To(rooms ...string) Operator {
	o.rooms = slices.Concat(o.rooms, rooms)
	return o
}

// In is the same as To.
func (o Operator) In(rooms ...string) Operator { return o.To(rooms...) }

// Except removes the sockets in rooms from the selection.
func (o Operator) Except(rooms ...string) Operator {
	o.except = slices.Concat(o.except, rooms)
	return o
}

// Local keeps the operation on this node.
func (o Operator) Local() Operator { o.local = true; return o }

// Volatile lets sockets that cannot take the packet now drop it.
func (o Operator) Volatile() Operator { o.volatile = true; return o }

// Timeout sets how long EmitWithAck waits for acknowledgements.
func (o Operator) Timeout(d time.Duration) Operator { o.timeout = d; return o }

func (o Operator) options() adapter.Options {
	return adapter.Options{Rooms: o.rooms, Except: o.except, Local: o.local, Volatile: o.volatile}
}

func (o Operator) check() error {
	if o.rt == nil {
		return errNotRegistered
	}
	return nil
}

var errNotRegistered = fmt.Errorf("%w: namespace not registered with an app", errors.ErrUnknownNamespace)

// Emit sends an event to every selected socket. The packet is encoded once
// and shared by all recipients.
func (o Operator) Emit(event string, args ...any) error {
	if err := o.check(); err != nil {
		return err
	}
	if protocol.ReservedEvent(event) {
		return fmt.Errorf("%w: %q", errors.ErrReservedEvent, event)
	}
	p, err := nsrt.EncodeEvent(o.rt.Name(), protocol.NoID, event, args)
	if err != nil {
		return err
	}
	o.rt.Trace(p, "", "", -1)
	return o.rt.Adapter().Broadcast(p, o.options())
}

// Send sends data as the "message" event to every selected socket.
func (o Operator) Send(data any) error { return o.Emit("message", data) }

// Reply is one client's acknowledgement: its args as raw JSON. Binary
// attachments appear as base64 strings, so they decode into []byte.
type Reply struct {
	Args []json.RawMessage
}

// Decode unmarshals the reply's args, in order, into vs.
func (r Reply) Decode(vs ...any) error {
	if len(vs) > len(r.Args) {
		return fmt.Errorf("%w: reply has %d args, want %d", errors.ErrArgs, len(r.Args), len(vs))
	}
	for i, v := range vs {
		if err := json.Unmarshal(r.Args[i], v); err != nil {
			return fmt.Errorf("%w: reply arg %d: %w", errors.ErrArgs, i, err)
		}
	}
	return nil
}

// EmitWithAck sends an event to every selected socket and collects their
// acknowledgements until all arrived or the timeout (Timeout, else ctx's
// deadline, else the namespace default) passed. When some are missing it
// returns those that came and an error wrapping errors.ErrAckTimeout.
func (o Operator) EmitWithAck(ctx context.Context, event string, args ...any) ([]Reply, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	if protocol.ReservedEvent(event) {
		return nil, fmt.Errorf("%w: %q", errors.ErrReservedEvent, event)
	}
	d := o.timeout
	if _, ok := ctx.Deadline(); !ok && d <= 0 {
		d = o.rt.AckTimeout()
	}
	if d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	id := o.rt.NextAckID()
	p, err := nsrt.EncodeEvent(o.rt.Name(), id, event, args)
	if err != nil {
		return nil, err
	}
	c := newCollector()
	nodes, err := o.rt.Adapter().BroadcastWithAck(p, o.options(), c)
	if err != nil {
		o.rt.DropAcks(id)
		return nil, err
	}
	o.rt.Trace(p, "", "", -1)
	replies, err := c.wait(ctx, nodes, event)
	if err != nil {
		// The sockets that did not answer forget the ack id.
		o.rt.DropAcks(id)
		o.rt.AckTimedOut()
	}
	return replies, err
}

// collector gathers the acks of one broadcast.
type collector struct {
	mu       sync.Mutex
	counts   int // Count calls so far
	expected int // acks expected from the counted nodes
	replies  []Reply
	changed  chan struct{}
}

func newCollector() *collector { return &collector{changed: make(chan struct{}, 1)} }

func (c *collector) Count(n int) {
	c.mu.Lock()
	c.counts++
	c.expected += n
	c.mu.Unlock()
	c.signal()
}

func (c *collector) Ack(args []json.RawMessage) {
	c.mu.Lock()
	c.replies = append(c.replies, Reply{Args: args})
	c.mu.Unlock()
	c.signal()
}

func (c *collector) signal() {
	select {
	case c.changed <- struct{}{}:
	default:
	}
}

func (c *collector) wait(ctx context.Context, nodes int, event string) ([]Reply, error) {
	for {
		c.mu.Lock()
		done := c.counts >= nodes && len(c.replies) >= c.expected
		replies := slices.Clone(c.replies)
		missing := c.expected - len(c.replies)
		c.mu.Unlock()
		if done {
			return replies, nil
		}
		select {
		case <-c.changed:
		case <-ctx.Done():
			return replies, fmt.Errorf("%w: event %q: %d acknowledgement(s) missing: %w",
				errors.ErrAckTimeout, event, missing, ctx.Err())
		}
	}
}

// FetchSockets describes the selected sockets, on every node.
func (o Operator) FetchSockets(ctx context.Context) ([]SocketInfo, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	return o.rt.Adapter().FetchSockets(ctx, o.options())
}

// SocketsJoin makes the selected sockets join rooms.
func (o Operator) SocketsJoin(rooms ...string) error {
	if err := o.check(); err != nil {
		return err
	}
	return o.rt.Adapter().AddSockets(o.options(), rooms)
}

// SocketsLeave makes the selected sockets leave rooms.
func (o Operator) SocketsLeave(rooms ...string) error {
	if err := o.check(); err != nil {
		return err
	}
	return o.rt.Adapter().DelSockets(o.options(), rooms)
}

// DisconnectSockets disconnects the selected sockets; with closeConn their
// whole connections are closed.
func (o Operator) DisconnectSockets(closeConn bool) error {
	if err := o.check(); err != nil {
		return err
	}
	return o.rt.Adapter().DisconnectSockets(o.options(), closeConn)
}
