// Package adapter is the seam between a namespace and the sockets it fans
// packets out to: it holds the rooms of one namespace and carries
// broadcasts and server-wide operations (fetch, join, leave, disconnect),
// on this node or, for a multi-node adapter, on every node.
//
// Users pick an adapter with a Factory in the app's options; the default
// is MemoryFactory. Users never call an Adapter themselves: Namespace,
// Socket and Operator in package namespace do.
//
// # Writing an adapter
//
// A Factory receives the namespace as a Local and returns the Adapter of
// that namespace. The usual shape of a multi-node adapter is to embed
// *Memory (NewMemory(local)) for the local rooms and fan-out, and to
// forward each operation to the other nodes unless Options.Local is set:
//
//	type Adapter struct {
//		*adapter.Memory
//		// connection to the other nodes ...
//	}
//
//	func (a *Adapter) Broadcast(p *protocol.Packet, o adapter.Options) error {
//		if !o.Local {
//			// publish p and o to the other nodes
//		}
//		return a.Memory.Broadcast(p, o)
//	}
//
// On the receiving node, apply the operation with the embedded Memory and
// Local set, so it does not travel again.
//
// The contract, method by method:
//
//   - Join, Leave, LeaveAll and Rooms are about local sockets only. A
//     socket's own room (its id) is implicit: Join ignores it, Leave
//     cannot remove it, and Rooms lists it first. Join ignores ids that
//     Local.Socket does not know (the socket already disconnected).
//   - Options select sockets: those in any of Rooms (every socket of the
//     namespace when Rooms is empty), minus those in any of Except. A room
//     name that is a socket id selects that socket, plus any socket that
//     joined a room of that name. Every socket is selected at most once,
//     however many of the rooms it is in.
//   - Broadcast encodes p once (Encode) and calls Deliver on each selected
//     local socket with the same *Encoded. Deliver never blocks for long:
//     a socket that cannot keep up is disconnected by its transport, and
//     with Options.Volatile the packet is dropped when the socket's queue
//     is busy.
//   - BroadcastWithAck calls ExpectAck(p.ID, c.Ack) on each selected local
//     socket before Deliver, then Count once with the number of local
//     sockets selected, and returns how many Count calls c will get in all
//     (1 for a single node; 1 plus the number of other nodes that answer
//     for a multi-node adapter, each reporting its own count and its
//     sockets' acks). The caller waits until that many counts came and as
//     many acks as they add up to, or until its timeout; then it makes the
//     local sockets forget p.ID. Ack ids come from the namespace and are
//     unique on this node only: a node acknowledging a remote broadcast
//     must map the remote id to one of its own or keep it per request.
//   - FetchSockets, AddSockets, DelSockets and DisconnectSockets act on the
//     selected sockets of every node; FetchSockets waits for the other
//     nodes' answers until ctx ends.
//   - ServerSideEmit reaches Local.ServerSideEvent on every other node;
//     Memory returns ErrUnsupported.
//
// # Concurrency
//
// Every Adapter method may be called from any goroutine at any time,
// including from inside the callbacks it makes. Memory never calls a
// Socket or Local method that may call back into it while holding its
// lock: Select collects the targets under a read lock and calls them
// after releasing it. Local.Each holds the namespace's read lock while it
// runs fn, so fn must not join, leave or disconnect; collect first, act
// after. Socket methods are safe for concurrent use.
//
// # Allocation
//
// A broadcast through Memory allocates the same whatever the number of
// recipients: the packet is encoded once, Encoded.Frames are built once
// and shared read-only, and the target slice is pooled. Adapters should
// keep it that way: build one Encoded per broadcast, not one per socket.
package adapter
