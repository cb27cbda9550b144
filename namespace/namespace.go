package namespace

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/nsrt"
)

// Namespace is the base of a namespace struct. Embed it, and the struct's
// methods can broadcast and manage rooms through it once the struct is
// registered with an app:
//
//	type Chat struct{ namespace.Namespace }
//
//	func (c *Chat) OnShout(s *namespace.Socket, text string) error {
//		return c.Emit("shout", text) // to every socket of the namespace
//	}
//
// The zero value is not registered: its operations fail with an error
// wrapping errors.ErrUnknownNamespace. The app's Of method returns the
// Namespace of any registered path.
//
// A namespace struct receives the events other nodes send with
// ServerSideEmit by declaring
//
//	func (c *Chat) OnServerSideEmit(event string, args []json.RawMessage) [T] [error]
//
// which the app finds at registration, like the event handlers; it runs
// on the adapter's goroutine, so it must not block. Its result, if any,
// answers a ServerSideEmitWithAck (as a Node listener's callback does,
// with one value); a non-nil error means no answer and is logged.
type Namespace nsrt.Handle

func init() {
	nsrt.Bind = func(v any, rt *nsrt.Runtime) bool {
		b, ok := v.(interface{ bind(*nsrt.Runtime) })
		if ok {
			b.bind(rt)
		}
		return ok
	}
}

// bind is what marks a struct as embedding Namespace.
func (n *Namespace) bind(rt *nsrt.Runtime) { (*nsrt.Handle)(n).Bind(rt) }

func (n *Namespace) rt() *nsrt.Runtime { return (*nsrt.Handle)(n).Runtime() }

func (n *Namespace) op() Operator { return Operator{rt: n.rt()} }

// Name returns the namespace path, such as "/chat".
func (n *Namespace) Name() string {
	if n.rt() == nil {
		return ""
	}
	return n.rt().Name()
}

// Emit sends an event to every socket of the namespace.
func (n *Namespace) Emit(event string, args ...any) error { return n.op().Emit(event, args...) }

// Send sends data as the "message" event to every socket of the namespace.
func (n *Namespace) Send(data any) error { return n.op().Send(data) }

// EmitWithAck sends an event to every socket and collects the acks.
func (n *Namespace) EmitWithAck(ctx context.Context, event string, args ...any) ([]Reply, error) {
	return n.op().EmitWithAck(ctx, event, args...)
}

// To selects the sockets in rooms.
func (n *Namespace) To(rooms ...string) Operator { return n.op().To(rooms...) }

// In is the same as To.
func (n *Namespace) In(rooms ...string) Operator { return n.op().To(rooms...) }

// Except selects every socket but those in rooms.
func (n *Namespace) Except(rooms ...string) Operator { return n.op().Except(rooms...) }

// Local selects the sockets of this node only.
func (n *Namespace) Local() Operator { return n.op().Local() }

// Volatile selects every socket, for packets that may be dropped.
func (n *Namespace) Volatile() Operator { return n.op().Volatile() }

// Timeout selects every socket, for EmitWithAck with timeout d.
func (n *Namespace) Timeout(d time.Duration) Operator { return n.op().Timeout(d) }

// FetchSockets describes every socket of the namespace, on every node.
func (n *Namespace) FetchSockets(ctx context.Context) ([]SocketInfo, error) {
	return n.op().FetchSockets(ctx)
}

// SocketsJoin makes every socket of the namespace join rooms.
func (n *Namespace) SocketsJoin(rooms ...string) error { return n.op().SocketsJoin(rooms...) }

// SocketsLeave makes every socket of the namespace leave rooms.
func (n *Namespace) SocketsLeave(rooms ...string) error { return n.op().SocketsLeave(rooms...) }

// DisconnectSockets disconnects every socket of the namespace.
func (n *Namespace) DisconnectSockets(closeConn bool) error {
	return n.op().DisconnectSockets(closeConn)
}

// CloseRoom makes every socket in room leave it.
func (n *Namespace) CloseRoom(room string) error { return n.op().To(room).SocketsLeave(room) }

// Socket returns the socket with id connected to this node, or nil.
func (n *Namespace) Socket(id string) *Socket {
	if n.rt() == nil {
		return nil
	}
	return (*Socket)(n.rt().Socket(id))
}

// Len returns the number of sockets connected to this namespace on this node.
func (n *Namespace) Len() int {
	if n.rt() == nil {
		return 0
	}
	return n.rt().Len()
}

// ServerSideEmit sends an event to this namespace on every other node.
func (n *Namespace) ServerSideEmit(event string, args ...any) error {
	if n.rt() == nil {
		return errNotRegistered
	}
	raw, err := encodeArgs(event, args)
	if err != nil {
		return err
	}
	return n.rt().Adapter().ServerSideEmit(event, raw)
}

// ServerSideEmitWithAck sends an event to this namespace on every other
// node and returns their answers, one Reply per node that answered, as
// Node's serverSideEmitWithAck does. A node answers with the value its
// OnServerSideEmit returns (see the package doc). It waits for every
// node, at most the adapter's request timeout or until ctx ends; then it
// returns the answers that came with an error wrapping errors.ErrAdapter.
// Single-node adapters return adapter.ErrUnsupported.
func (n *Namespace) ServerSideEmitWithAck(ctx context.Context, event string, args ...any) ([]Reply, error) {
	if n.rt() == nil {
		return nil, errNotRegistered
	}
	acker, ok := n.rt().Adapter().(adapter.ServerSideAcker)
	if !ok {
		return nil, adapter.ErrUnsupported
	}
	raw, err := encodeArgs(event, args)
	if err != nil {
		return nil, err
	}
	answers, err := acker.ServerSideEmitWithAck(ctx, event, raw)
	var replies []Reply
	for _, a := range answers {
		replies = append(replies, Reply{Args: a})
	}
	return replies, err
}

// encodeArgs encodes the args of a server-side event as JSON.
func encodeArgs(event string, args []any) ([]json.RawMessage, error) {
	raw := make([]json.RawMessage, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			return nil, fmt.Errorf("%w: args of %q: %w", errors.ErrEncode, event, err)
		}
		raw[i] = b
	}
	return raw, nil
}

// Args, returned by a handler, is a list of ack values sent as separate
// ack args (a handler's other results are one ack arg each).
type Args []any

// RawArgs, returned by a handler, is a list of raw JSON ack args sent
// verbatim.
type RawArgs []json.RawMessage
