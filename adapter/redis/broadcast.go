package redis

import (
	"context"
	"encoding/json"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/protocol"
)

// Broadcast delivers p to the selected local sockets and, unless o.Local,
// publishes it for the other nodes. The publish is asynchronous: an error
// means it could not even be queued (ErrQueueFull, ErrClosed) or p could
// not be converted; local delivery has happened in every case.
func (a *redisAdapter) Broadcast(p *protocol.Packet, o adapter.Options) error {
	a.Memory.Broadcast(p, o)
	if o.Local {
		return nil
	}
	data, err := rediswire.FromPayload(p.Data, p.Attachments)
	if err != nil {
		return err
	}
	msg, err := rediswire.EncodeBroadcast(a.uid,
		rediswire.Packet{Type: rediswire.EventType, Data: data, Nsp: a.local.Name()},
		rediswire.NewOptions(o.Rooms, o.Except, o.Volatile))
	if err != nil {
		return err
	}
	return a.enqueue(rediswire.ChannelFor(a.opts.Key, a.local.Name(), o.Rooms), msg)
}

// onBroadcast delivers a broadcast published by another node or an
// emitter to the selected local sockets.
func (a *redisAdapter) onBroadcast(msg []byte) {
	uid, pk, o, err := rediswire.DecodeBroadcast(msg)
	if err != nil {
		a.logf("malformed broadcast: %v", err)
		return
	}
	if uid == a.uid || pk.Nsp != a.local.Name() {
		return
	}
	p, err := rediswire.ToPacket(pk.Nsp, protocol.NoID, pk.Data)
	if err != nil {
		a.logf("broadcast: %v", err)
		return
	}
	a.Memory.Broadcast(p, adapter.Options{Rooms: o.Rooms, Except: o.Except, Volatile: o.Volatile()})
}

// BroadcastWithAck delivers p to the selected sockets of every node and
// reports their counts and acknowledgements to c. The number of nodes is
// the number of subscribers of the request channel (PUBSUB NUMSUB), as in
// Node. When Redis cannot be asked, the broadcast stays on this node.
func (a *redisAdapter) BroadcastWithAck(p *protocol.Packet, o adapter.Options, c adapter.AckCollector) (int, error) {
	if o.Local {
		return a.Memory.BroadcastWithAck(p, o, c)
	}
	n, err := a.serverCount()
	if err != nil {
		a.logf("broadcast with ack stays local: %v", err)
		return a.Memory.BroadcastWithAck(p, o, c)
	}
	if n > 1 {
		if err := a.requestAcks(p, o, c, n-1); err != nil {
			a.logf("broadcast with ack stays local: %v", err)
			n = 1
		}
	}
	a.Memory.BroadcastWithAck(p, o, c)
	return max(n, 1), nil
}

// requestAcks publishes the BROADCAST request and registers c for the
// answers of the remote nodes.
func (a *redisAdapter) requestAcks(p *protocol.Packet, o adapter.Options, c adapter.AckCollector, remote int) error {
	data, err := rediswire.FromPayload(p.Data, p.Attachments)
	if err != nil {
		return err
	}
	opts := rediswire.NewOptions(o.Rooms, o.Except, o.Volatile)
	req := rediswire.Request{
		UID: a.uid, RequestID: rediswire.NewID(6), Type: rediswire.Broadcast,
		Packet: &rediswire.Packet{Type: rediswire.EventType, Data: data, Nsp: a.local.Name()},
		Opts:   &opts,
	}
	msg, err := rediswire.MarshalMsgpack(req)
	if err != nil {
		return err
	}
	ar := &ackRequest{c: c, remote: remote}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return ErrClosed
	}
	a.acks[req.RequestID] = ar
	ar.timer = time.AfterFunc(a.opts.AckTimeout, func() { a.dropAck(req.RequestID) })
	a.mu.Unlock()
	if err := a.enqueue(a.requestChannel, msg); err != nil {
		a.dropAck(req.RequestID)
		return err
	}
	return nil
}

func (a *redisAdapter) dropAck(id string) {
	a.mu.Lock()
	if ar := a.acks[id]; ar != nil {
		ar.timer.Stop()
		delete(a.acks, id)
	}
	a.mu.Unlock()
}

// serverCount returns the number of nodes serving the namespace.
func (a *redisAdapter) serverCount() (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.RequestsTimeout)
	defer cancel()
	counts, err := a.client.PubSubNumSub(ctx, a.requestChannel).Result()
	if err != nil {
		return 0, err
	}
	return int(counts[a.requestChannel]), nil
}

// ackRequest follows the answers of the remote nodes to one
// BroadcastWithAck of this node.
type ackRequest struct {
	c        adapter.AckCollector
	timer    *time.Timer
	remote   int // nodes expected to answer
	counts   int // client counts received
	expected int // acks expected from the counted nodes
	acked    int // acks received
}

func (ar *ackRequest) complete() bool { return ar.counts >= ar.remote && ar.acked >= ar.expected }

// onAckResponse passes a BROADCAST_CLIENT_COUNT or BROADCAST_ACK response
// to its collector; it reports whether r belonged to one.
func (a *redisAdapter) onAckResponse(r *rediswire.Response) bool {
	a.mu.Lock()
	ar := a.acks[r.RequestID]
	if ar == nil {
		a.mu.Unlock()
		return false
	}
	var count int
	switch r.Type {
	case rediswire.BroadcastClientCount:
		if r.ClientCount != nil {
			count = *r.ClientCount
		}
		ar.counts++
		ar.expected += count
	case rediswire.BroadcastAck:
		ar.acked++
	}
	if ar.complete() {
		ar.timer.Stop()
		delete(a.acks, r.RequestID)
	}
	a.mu.Unlock()
	switch r.Type {
	case rediswire.BroadcastClientCount:
		ar.c.Count(count)
	case rediswire.BroadcastAck:
		arg, err := rediswire.ToJSON(r.Packet)
		if err != nil {
			a.logf("broadcast ack: %v", err)
			arg = json.RawMessage("null")
		}
		ar.c.Ack([]json.RawMessage{arg})
	}
	return true
}

// onBroadcastRequest makes the broadcast with acks that another node asked
// for, and publishes the local count and every acknowledgement.
func (a *redisAdapter) onBroadcastRequest(req *rediswire.Request) {
	if req.UID == a.uid || req.Packet == nil || req.Opts == nil {
		return
	}
	p, err := rediswire.ToPacket(a.local.Name(), a.ackIDs.Add(1), req.Packet.Data)
	if err != nil {
		a.logf("broadcast request: %v", err)
		return
	}
	rc := &remoteCollector{a: a, channel: a.responseChannelFor(req), id: req.RequestID}
	a.Memory.BroadcastWithAck(p, adapter.Options{Rooms: req.Opts.Rooms, Except: req.Opts.Except}, rc)
}

// responseChannelFor returns where to answer req.
func (a *redisAdapter) responseChannelFor(req *rediswire.Request) string {
	if a.opts.PublishOnSpecificResponseChannel && req.UID != "" {
		return a.responseChannel + req.UID + "#"
	}
	return a.responseChannel
}

// remoteCollector publishes the outcome of a broadcast asked by another
// node: the count as JSON, each ack (its first arg, as Node keeps) as
// msgpack.
type remoteCollector struct {
	a       *redisAdapter
	channel string
	id      string
}

func (rc *remoteCollector) Count(n int) {
	err := rc.a.enqueueJSON(rc.channel, rediswire.Response{Type: rediswire.BroadcastClientCount, RequestID: rc.id, ClientCount: &n})
	if err != nil {
		rc.a.logf("broadcast client count: %v", err)
	}
}

func (rc *remoteCollector) Ack(args []json.RawMessage) {
	arg, err := rediswire.FirstArg(args)
	if err != nil {
		rc.a.logf("broadcast ack: %v", err)
	}
	msg, err := rediswire.MarshalMsgpack(rediswire.Response{Type: rediswire.BroadcastAck, RequestID: rc.id, Packet: arg})
	if err == nil {
		err = rc.a.enqueue(rc.channel, msg)
	}
	if err != nil {
		rc.a.logf("broadcast ack: %v", err)
	}
}
