package clusteradapter

import (
	"context"
	"encoding/json"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/protocol"
)

// ackRequest follows the answers of the other nodes to one
// BroadcastWithAck of this node.
type ackRequest struct {
	c     adapter.AckCollector
	timer *time.Timer
}

// BroadcastWithAck delivers p to the selected sockets of every node and
// reports their counts and acknowledgements to c. It returns the number
// of nodes (Transport.ServerCount); when they cannot be counted or the
// request cannot be published, the broadcast stays on this node.
func (a *Adapter) BroadcastWithAck(p *protocol.Packet, o adapter.Options, c adapter.AckCollector) (int, error) {
	if o.Local {
		return a.Memory.BroadcastWithAck(p, o, c)
	}
	n, err := a.remoteNodes(context.Background())
	if err == nil && n > 0 {
		err = a.requestAcks(p, o, c)
	}
	if err != nil {
		a.Logf("broadcast with ack stays local: %v", err)
		n = 0
	}
	a.Memory.BroadcastWithAck(p, o, c)
	return n + 1, nil
}

// requestAcks registers c and publishes the BROADCAST with a request id.
func (a *Adapter) requestAcks(p *protocol.Packet, o adapter.Options, c adapter.AckCollector) error {
	data, err := rediswire.FromPayload(p.Data, p.Attachments)
	if err != nil {
		return err
	}
	id := RandomID()
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return a.opts.ErrClosed
	}
	ar := &ackRequest{c: c}
	ar.timer = time.AfterFunc(a.opts.AckTimeout, func() { a.dropAck(id) })
	a.acks[id] = ar
	a.mu.Unlock()
	_, err = a.publish(&Message{Type: Broadcast, Data: &Data{
		Packet:    &rediswire.Packet{Type: rediswire.EventType, Data: data, Nsp: a.local.Name()},
		RequestID: id,
		Opts:      options(o.Rooms, o.Except, o.Volatile),
	}})
	if err != nil {
		a.dropAck(id)
	}
	return err
}

func (a *Adapter) dropAck(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ar := a.acks[id]; ar != nil {
		ar.timer.Stop()
		delete(a.acks, id)
	}
}

// onAckResponse passes a BROADCAST_CLIENT_COUNT or BROADCAST_ACK to its
// collector.
func (a *Adapter) onAckResponse(m *Message) {
	a.mu.Lock()
	ar := a.acks[m.Data.RequestID]
	a.mu.Unlock()
	if ar == nil {
		return // another node's, or past AckTimeout
	}
	if m.Type == BroadcastClientCount {
		n := 0
		if m.Data.ClientCount != nil {
			n = *m.Data.ClientCount
		}
		ar.c.Count(n)
		return
	}
	arg, err := rediswire.ToJSON(m.Data.Packet)
	if err != nil {
		a.Logf("broadcast ack: %v", err)
		arg = json.RawMessage("null")
	}
	ar.c.Ack([]json.RawMessage{arg})
}

// onBroadcastRequest makes the broadcast with acks another node asked
// for, and sends it the local count and every acknowledgement.
func (a *Adapter) onBroadcastRequest(m *Message, pk rediswire.Packet) {
	p, err := rediswire.ToPacket(a.local.Name(), a.ackIDs.Add(1), pk.Data)
	if err != nil {
		a.Logf("broadcast request: %v", err)
		return
	}
	rc := &remoteCollector{a: a, uid: m.UID, id: m.Data.RequestID}
	a.Memory.BroadcastWithAck(p, localOptions(m.Data.Opts), rc)
}

// remoteCollector answers a broadcast with acks of another node.
type remoteCollector struct {
	a   *Adapter
	uid string
	id  string
}

func (rc *remoteCollector) Count(n int) {
	rc.a.respond(rc.uid, &Message{Type: BroadcastClientCount, Data: &Data{RequestID: rc.id, ClientCount: &n}})
}

// Ack sends the first ack argument, as Node keeps one.
func (rc *remoteCollector) Ack(args []json.RawMessage) {
	arg, err := rediswire.FirstArg(args)
	if err != nil {
		rc.a.Logf("broadcast ack: %v", err)
	}
	rc.a.respond(rc.uid, &Message{Type: BroadcastAck, Data: &Data{RequestID: rc.id, Packet: arg}})
}
