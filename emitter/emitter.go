package emitter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/adapter/redis/wire"
	"github.com/socketeer/socketeer/protocol"
)

// ErrReservedEvent is returned by Emit for the event names Socket.IO
// reserves (connect, disconnect, ...).
var ErrReservedEvent = errors.New("socketeer/emitter: reserved event name")

// Options configures an Emitter.
type Options struct {
	// Key is the channel prefix of the cluster (default "socket.io").
	Key string
	// Timeout bounds each publish (default 5s).
	Timeout time.Duration
}

// Emitter publishes to one namespace of a cluster ("/" for New's). Use Of
// for another namespace.
type Emitter struct {
	client  redis.UniversalClient
	key     string
	timeout time.Duration
	nsp     string
}

// New returns the Emitter of the namespace "/" on client. The client stays
// the caller's to close.
func New(client redis.UniversalClient, opts Options) *Emitter {
	if opts.Key == "" {
		opts.Key = wire.DefaultKey
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	return &Emitter{client: client, key: opts.Key, timeout: opts.Timeout, nsp: "/"}
}

// Of returns the Emitter of namespace nsp ("/" is added in front when
// missing, as Node does).
func (e *Emitter) Of(nsp string) *Emitter {
	if len(nsp) == 0 || nsp[0] != '/' {
		nsp = "/" + nsp
	}
	c := *e
	c.nsp = nsp
	return &c
}

// Operator selects sockets of the emitter's namespace: those in any of its
// rooms (all when none), minus those in any of its except rooms. Each
// method returns a new Operator.
type Operator struct {
	e        *Emitter
	rooms    []string
	except   []string
	volatile bool
}

func (e *Emitter) all() Operator { return Operator{e: e} }

// To selects the sockets in rooms (socket ids are rooms too).
func (e *Emitter) To(rooms ...string) Operator { return e.all().To(rooms...) }

// In is the same as To.
func (e *Emitter) In(rooms ...string) Operator { return e.all().To(rooms...) }

// Except excludes the sockets in rooms.
func (e *Emitter) Except(rooms ...string) Operator { return e.all().Except(rooms...) }

// Volatile marks the events as droppable by clients that cannot take them
// now.
func (e *Emitter) Volatile() Operator { return e.all().Volatile() }

// Emit sends an event to every socket of the namespace.
func (e *Emitter) Emit(event string, args ...any) error { return e.all().Emit(event, args...) }

// SocketsJoin makes every socket of the namespace join rooms.
func (e *Emitter) SocketsJoin(rooms ...string) error { return e.all().SocketsJoin(rooms...) }

// SocketsLeave makes every socket of the namespace leave rooms.
func (e *Emitter) SocketsLeave(rooms ...string) error { return e.all().SocketsLeave(rooms...) }

// DisconnectSockets disconnects every socket of the namespace.
func (e *Emitter) DisconnectSockets(closeConn bool) error {
	return e.all().DisconnectSockets(closeConn)
}

// ServerSideEmit sends an event to the namespace of every server, as
// Namespace.ServerSideEmit does; args are encoded as JSON.
func (e *Emitter) ServerSideEmit(event string, args ...any) error {
	data, err := json.Marshal(append([]any{event}, args...))
	if err != nil {
		return fmt.Errorf("socketeer/emitter: encoding args of %q: %w", event, err)
	}
	return e.publishJSON(wire.Request{UID: wire.EmitterUID, Type: wire.ServerSideEmit, Data: json.RawMessage(data)})
}

// To adds rooms to the selection.
func (o Operator) To(rooms ...string) Operator {
	o.rooms = slices.Concat(o.rooms, rooms)
	return o
}

// In is the same as To.
func (o Operator) In(rooms ...string) Operator { return o.To(rooms...) }

// Except excludes the sockets in rooms.
func (o Operator) Except(rooms ...string) Operator {
	o.except = slices.Concat(o.except, rooms)
	return o
}

// Volatile marks the events as droppable by clients that cannot take them
// now.
func (o Operator) Volatile() Operator { o.volatile = true; return o }

// Emit sends an event to the selected sockets. Args are encoded as a
// Socketeer handler's are: []byte values (also inside []any and
// map[string]any) travel as binary, other values as their JSON.
func (o Operator) Emit(event string, args ...any) error {
	if protocol.ReservedEvent(event) {
		return fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	payload, att, err := protocol.AppendEvent(nil, event, args)
	if err != nil {
		return fmt.Errorf("socketeer/emitter: encoding args of %q: %w", event, err)
	}
	data, err := wire.FromPayload(payload, att)
	if err != nil {
		return fmt.Errorf("socketeer/emitter: encoding args of %q: %w", event, err)
	}
	msg, err := wire.EncodeBroadcast(wire.EmitterUID,
		wire.Packet{Type: wire.EventType, Data: data, Nsp: o.e.nsp},
		wire.NewOptions(o.rooms, o.except, o.volatile))
	if err != nil {
		return err
	}
	return o.e.publish(wire.ChannelFor(o.e.key, o.e.nsp, o.rooms), msg)
}

// SocketsJoin makes the selected sockets join rooms.
func (o Operator) SocketsJoin(rooms ...string) error {
	return o.e.publishJSON(wire.Request{Type: wire.RemoteJoin, Opts: o.options(), Rooms: nonNil(rooms)})
}

// SocketsLeave makes the selected sockets leave rooms.
func (o Operator) SocketsLeave(rooms ...string) error {
	return o.e.publishJSON(wire.Request{Type: wire.RemoteLeave, Opts: o.options(), Rooms: nonNil(rooms)})
}

// DisconnectSockets disconnects the selected sockets; with closeConn their
// whole connections are closed.
func (o Operator) DisconnectSockets(closeConn bool) error {
	return o.e.publishJSON(wire.Request{Type: wire.RemoteDisconnect, Opts: o.options(), Close: &closeConn})
}

func (o Operator) options() *wire.Options {
	opts := wire.NewOptions(o.rooms, o.except, false)
	opts.Flags = nil
	return &opts
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (e *Emitter) publishJSON(req wire.Request) error {
	msg, err := json.Marshal(req)
	if err != nil {
		return err
	}
	return e.publish(wire.RequestChannel(e.key, e.nsp), msg)
}

func (e *Emitter) publish(channel string, msg []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	if err := e.client.Publish(ctx, channel, msg).Err(); err != nil {
		return fmt.Errorf("socketeer/emitter: publishing to %s: %w", channel, err)
	}
	return nil
}
