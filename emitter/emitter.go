package emitter

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/protocol"
)

// ErrReservedEvent is returned by Emit for the event names Socket.IO
// reserves (connect, disconnect, ...). It is errors.ErrReservedEvent.
var ErrReservedEvent = errors.ErrReservedEvent

// Options configures an Emitter.
type Options struct {
	// Key is the channel prefix of the cluster (default "socket.io").
	Key string
	// Timeout bounds each publish (default 5s).
	Timeout time.Duration
}

// Emitter publishes to a selection of the sockets of one namespace of a
// cluster: those in any of its rooms (every socket when none), minus those
// in any of its except rooms. It is a value: To, In, Except, Volatile and
// Of return a new Emitter, so a selection can be kept and reused.
type Emitter struct {
	client  redis.UniversalClient
	key     string
	timeout time.Duration
	nsp     string

	rooms    []string
	except   []string
	volatile bool
}

// New returns the Emitter of every socket of the namespace "/" on client.
// The client stays the caller's to close.
func New(client redis.UniversalClient, opts Options) *Emitter {
	if opts.Key == "" {
		opts.Key = rediswire.DefaultKey
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	return &Emitter{client: client, key: opts.Key, timeout: opts.Timeout, nsp: "/"}
}

// Of returns the Emitter of every socket of namespace nsp ("/" is added in
// front when missing, as Node does).
func (e *Emitter) Of(nsp string) *Emitter {
	if len(nsp) == 0 || nsp[0] != '/' {
		nsp = "/" + nsp
	}
	return &Emitter{client: e.client, key: e.key, timeout: e.timeout, nsp: nsp}
}

// To adds rooms to the selection (socket ids are rooms too).
func (e *Emitter) To(rooms ...string) *Emitter {
	c := *e
	c.rooms = slices.Concat(e.rooms, rooms)
	return &c
}

// In is the same as To.
func (e *Emitter) In(rooms ...string) *Emitter { return e.To(rooms...) }

// Except excludes the sockets in rooms.
func (e *Emitter) Except(rooms ...string) *Emitter {
	c := *e
	c.except = slices.Concat(e.except, rooms)
	return &c
}

// Volatile marks the events as droppable by clients that cannot take them
// now.
func (e *Emitter) Volatile() *Emitter {
	c := *e
	c.volatile = true
	return &c
}

// ServerSideEmit sends an event to the namespace of every server, as
// Namespace.ServerSideEmit does; args are encoded as JSON. The selection
// of rooms does not apply: servers, not sockets, receive it.
func (e *Emitter) ServerSideEmit(event string, args ...any) error {
	data, err := json.Marshal(append([]any{event}, args...))
	if err != nil {
		return fmt.Errorf("%w: emitter: args of %q: %w", errors.ErrEncode, event, err)
	}
	return e.publishJSON(rediswire.Request{UID: rediswire.EmitterUID, Type: rediswire.ServerSideEmit, Data: json.RawMessage(data)})
}

// Emit sends an event to the selected sockets. Args are encoded as a
// Socketeer handler's are: []byte values (also inside []any and
// map[string]any) travel as binary, other values as their JSON.
func (e *Emitter) Emit(event string, args ...any) error {
	if protocol.ReservedEvent(event) {
		return fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	payload, att, err := protocol.AppendEvent(nil, event, args)
	if err != nil {
		return fmt.Errorf("%w: emitter: args of %q: %w", errors.ErrEncode, event, err)
	}
	data, err := rediswire.FromPayload(payload, att)
	if err != nil {
		return fmt.Errorf("%w: emitter: args of %q: %w", errors.ErrEncode, event, err)
	}
	msg, err := rediswire.EncodeBroadcast(rediswire.EmitterUID,
		rediswire.Packet{Type: rediswire.EventType, Data: data, Nsp: e.nsp},
		rediswire.NewOptions(e.rooms, e.except, e.volatile))
	if err != nil {
		return fmt.Errorf("%w: emitter: %w", errors.ErrEncode, err)
	}
	return e.publish(rediswire.ChannelFor(e.key, e.nsp, e.rooms), msg)
}

// SocketsJoin makes the selected sockets join rooms.
func (e *Emitter) SocketsJoin(rooms ...string) error {
	return e.publishJSON(rediswire.Request{Type: rediswire.RemoteJoin, Opts: e.options(), Rooms: nonNil(rooms)})
}

// SocketsLeave makes the selected sockets leave rooms.
func (e *Emitter) SocketsLeave(rooms ...string) error {
	return e.publishJSON(rediswire.Request{Type: rediswire.RemoteLeave, Opts: e.options(), Rooms: nonNil(rooms)})
}

// DisconnectSockets disconnects the selected sockets; with closeConn their
// whole connections are closed.
func (e *Emitter) DisconnectSockets(closeConn bool) error {
	return e.publishJSON(rediswire.Request{Type: rediswire.RemoteDisconnect, Opts: e.options(), Close: &closeConn})
}

func (e *Emitter) options() *rediswire.Options {
	opts := rediswire.NewOptions(e.rooms, e.except, false)
	opts.Flags = nil
	return &opts
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (e *Emitter) publishJSON(req rediswire.Request) error {
	msg, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("%w: emitter: %w", errors.ErrEncode, err)
	}
	return e.publish(rediswire.RequestChannel(e.key, e.nsp), msg)
}

func (e *Emitter) publish(channel string, msg []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	if err := e.client.Publish(ctx, channel, msg).Err(); err != nil {
		return fmt.Errorf("%w: emitter: publishing to %s: %w", errors.ErrAdapter, channel, err)
	}
	return nil
}
