package eioclient

import (
	"context"
	"time"

	"github.com/socketeer/socketeer/errors"
)

// readLoop is the reader goroutine: it reads the current transport and
// handles every packet, until the Conn fails.
func (c *Conn) readLoop() {
	defer c.exit()
	for _, p := range c.early {
		c.handle(p)
	}
	c.early = nil
	for {
		t := c.acquire(&c.readBusy, false)
		if t == nil {
			return
		}
		packets, err := t.read(c.ctx)
		c.release(&c.readBusy)
		if err != nil {
			c.fail(readFailure(t, err), err)
			return
		}
		for _, p := range packets {
			c.handle(p)
		}
	}
}

// readFailure names the close reason of a failed read: a websocket that
// closed is a "transport close", anything else a "transport error".
func readFailure(t transport, err error) string {
	if errors.Is(err, ErrParse) {
		return ReasonParseError
	}
	if t.name() == WebSocket {
		return ReasonTransportClose
	}
	return ReasonTransportError
}

// handle acts on one packet received.
func (c *Conn) handle(p Packet) {
	switch p.Type {
	case Ping:
		c.ping.Reset(c.silence())
		c.mu.Lock()
		// Not bounded by MaxQueue: a pong is always due.
		if !c.failed && !c.closing {
			c.queue = append(c.queue, Packet{Type: Pong, Data: p.Data})
			c.cond.Broadcast()
		}
		c.mu.Unlock()
	case Message:
		c.opts.OnMessage(p.Data, p.Binary)
	case Close:
		c.fail(ReasonTransportClose, nil)
	case Pong, Noop, Open, Upgrade:
	default:
		c.fail(ReasonParseError, nil)
	}
}

// acquire waits until the transport may be used (it is not being
// upgraded; for the writer, packets are queued), marks the use busy and
// returns the transport; nil once the Conn failed.
func (c *Conn) acquire(busy *bool, needQueue bool) transport {
	c.mu.Lock()
	defer c.mu.Unlock()
	for !c.failed && (c.upgrading || needQueue && len(c.queue) == 0) {
		c.cond.Wait()
	}
	if c.failed {
		return nil
	}
	*busy = true
	return c.t
}

// release marks the end of a use started by acquire.
func (c *Conn) release(busy *bool) {
	c.mu.Lock()
	*busy = false
	c.cond.Broadcast()
	c.mu.Unlock()
}

// writeLoop is the writer goroutine: it sends the queued packets in
// batches, until the Conn fails or, after Close, the queue is flushed.
func (c *Conn) writeLoop() {
	defer c.exit()
	for {
		t := c.acquire(&c.writeBusy, true)
		if t == nil {
			return
		}
		batch := c.take(t.name() == Polling)
		err := t.write(c.ctx, batch)
		c.release(&c.writeBusy)
		if err != nil {
			c.fail(ReasonTransportError, err)
			return
		}
		if batch[len(batch)-1].Type == Close {
			c.fail(ReasonForcedClose, nil)
			return
		}
	}
}

// take removes the next batch from the queue: everything for a
// websocket; for polling, as much as fits in the server's maxPayload
// (at least one packet).
func (c *Conn) take(polling bool) []Packet {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.queue)
	if polling && c.hs.MaxPayload > 0 {
		total := 0
		for i, p := range c.queue {
			if total += size(p); i > 0 && total > c.hs.MaxPayload {
				n = i
				break
			}
		}
	}
	batch := make([]Packet, n)
	copy(batch, c.queue)
	c.queue = append(c.queue[:0], c.queue[n:]...)
	return batch
}

// upgrade probes a websocket for the session and, if the server answers
// the probe, pauses polling and switches to it (protocol.md 1.8). If
// anything fails, the Conn stays on polling.
func (c *Conn) upgrade() {
	defer c.exit()
	ws := c.probe()
	if ws == nil {
		return
	}
	c.mu.Lock()
	c.upgrading = true
	for !c.failed && (c.readBusy || c.writeBusy) {
		c.cond.Wait()
	}
	failed := c.failed
	c.mu.Unlock()
	if failed || ws.write(c.ctx, []Packet{{Type: Upgrade}}) != nil {
		ws.close()
		c.mu.Lock()
		c.upgrading = false
		c.cond.Broadcast()
		c.mu.Unlock()
		return
	}
	c.mu.Lock()
	c.t, c.upgrading = ws, false
	if c.failed {
		ws.close() // fail closed the polling transport, not this one
	}
	c.cond.Broadcast()
	c.mu.Unlock()
}

// probe opens a websocket with the session id and exchanges
// 2probe/3probe; nil if that fails or the Conn fails meanwhile.
func (c *Conn) probe() *wsTransport {
	url, err := c.opts.endpoint(WebSocket, c.hs.SID)
	if err != nil {
		return nil
	}
	ws, err := dialWS(c.ctx, c.opts, url)
	if err != nil {
		return nil
	}
	stop := context.AfterFunc(c.ctx, ws.close)
	defer stop()
	ws.conn.SetReadDeadline(time.Now().Add(c.opts.HandshakeTimeout))
	if err := ws.write(c.ctx, []Packet{{Type: Ping, Data: []byte("probe")}}); err != nil {
		ws.close()
		return nil
	}
	packets, err := ws.read(c.ctx)
	if err != nil || packets[0].Type != Pong || string(packets[0].Data) != "probe" {
		ws.close()
		return nil
	}
	ws.conn.SetReadDeadline(time.Time{})
	return ws
}
