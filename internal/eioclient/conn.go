package eioclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Conn is one Engine.IO client connection. Its methods are safe for
// concurrent use.
type Conn struct {
	opts   Options
	hs     handshake
	ctx    context.Context // canceled when the Conn fails
	cancel context.CancelFunc
	http   *http.Transport
	done   chan struct{}
	ping   *time.Timer // fires after pingInterval+pingTimeout without a ping

	mu        sync.Mutex
	cond      *sync.Cond // signals every change below
	t         transport  // the current transport
	queue     []Packet   // packets waiting for the writer
	early     []Packet   // packets that came with the handshake
	upgrading bool       // reader and writer must park
	readBusy  bool       // a read is in flight
	writeBusy bool       // a write is in flight
	closing   bool       // Close was called: flush, then end
	failed    bool       // the Conn ended; goroutines are returning
	reason    string     // why the Conn ended
	err       error      // the error behind reason, if any
	running   int        // goroutines that have not returned
}

// handshake is the payload of the open packet (protocol.md 1.3).
type handshake struct {
	SID          string   `json:"sid"`
	Upgrades     []string `json:"upgrades"`
	PingInterval int      `json:"pingInterval"`
	PingTimeout  int      `json:"pingTimeout"`
	MaxPayload   int      `json:"maxPayload"`
}

// Close reasons reported by Reason.
const (
	ReasonForcedClose    = "forced close"
	ReasonTransportClose = "transport close"
	ReasonTransportError = "transport error"
	ReasonPingTimeout    = "ping timeout"
	ReasonParseError     = "parse error"
)

// Dial performs the Engine.IO handshake on the first of o.Transports and
// starts the connection's goroutines; it upgrades to websocket in the
// background when o allows it and the server offers it. ctx bounds the
// handshake only.
func Dial(ctx context.Context, o Options) (*Conn, error) {
	o = o.withDefaults()
	c := &Conn{opts: o, done: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	c.http = &http.Transport{Proxy: http.ProxyFromEnvironment, TLSClientConfig: o.TLSConfig, ForceAttemptHTTP2: false}
	var err error
	if o.Transports[0] == WebSocket {
		err = c.openWebSocket(ctx)
	} else {
		err = c.openPolling(ctx)
	}
	if err != nil {
		c.http.CloseIdleConnections()
		return nil, fmt.Errorf("%w: %w", ErrHandshake, err)
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.ping = time.AfterFunc(c.silence(), func() { c.fail(ReasonPingTimeout, nil) })
	upgrade := c.t.name() == Polling && o.has(WebSocket) && c.offers(WebSocket)
	c.running = 2
	if upgrade {
		c.running++
		go c.upgrade()
	}
	go c.readLoop()
	go c.writeLoop()
	return c, nil
}

// openPolling performs the handshake with a polling GET.
func (c *Conn) openPolling(ctx context.Context) error {
	url, err := c.opts.endpoint(Polling, "")
	if err != nil {
		return err
	}
	pt := &pollingTransport{client: &http.Client{Transport: c.http}, url: url, header: c.opts.Header}
	packets, err := pt.read(ctx)
	if err != nil {
		return err
	}
	if err := c.parseOpen(packets[0]); err != nil {
		return err
	}
	if pt.url, err = c.opts.endpoint(Polling, c.hs.SID); err != nil {
		return err
	}
	c.t, c.early = pt, packets[1:]
	return nil
}

// openWebSocket performs the handshake over a websocket.
func (c *Conn) openWebSocket(ctx context.Context) error {
	url, err := c.opts.endpoint(WebSocket, "")
	if err != nil {
		return err
	}
	ws, err := dialWS(ctx, c.opts, url)
	if err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok {
		ws.conn.SetReadDeadline(d)
	}
	packets, err := ws.read(ctx)
	if err == nil {
		err = c.parseOpen(packets[0])
	}
	if err != nil {
		ws.close()
		return err
	}
	ws.conn.SetReadDeadline(time.Time{})
	c.t = ws
	return nil
}

// parseOpen checks the open packet and keeps its settings.
func (c *Conn) parseOpen(p Packet) error {
	if p.Type != Open || p.Binary {
		return fmt.Errorf("%w: first packet is %d, not open", ErrParse, p.Type)
	}
	if err := json.Unmarshal(p.Data, &c.hs); err != nil {
		return fmt.Errorf("%w: open packet: %v", ErrParse, err)
	}
	if c.hs.SID == "" || c.hs.PingInterval <= 0 || c.hs.PingTimeout <= 0 {
		return fmt.Errorf("%w: open packet %s lacks sid, pingInterval or pingTimeout", ErrParse, p.Data)
	}
	return nil
}

// offers reports whether the server offered an upgrade to t.
func (c *Conn) offers(t string) bool {
	for _, u := range c.hs.Upgrades {
		if u == t {
			return true
		}
	}
	return false
}

// silence is how long the connection may go without a ping.
func (c *Conn) silence() time.Duration {
	return time.Duration(c.hs.PingInterval+c.hs.PingTimeout) * time.Millisecond
}

// ID returns the Engine.IO session id.
func (c *Conn) ID() string { return c.hs.SID }

// MaxPayload returns the largest payload the server accepts, in bytes (0
// when the server did not say).
func (c *Conn) MaxPayload() int { return c.hs.MaxPayload }

// Transport returns the name of the current transport.
func (c *Conn) Transport() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t.name()
}

// Done is closed once the Conn has ended and all its goroutines returned.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Reason returns why the Conn ended and the error behind it, if any; ""
// while it is open.
func (c *Conn) Reason() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reason, c.err
}

// Send queues packets for the writer. It fails with ErrClosed once the
// Conn ends or Close was called, and with ErrQueueFull when the queue is
// full.
func (c *Conn) Send(packets ...Packet) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sendLocked(packets...)
}

func (c *Conn) sendLocked(packets ...Packet) error {
	switch {
	case c.failed || c.closing:
		return ErrClosed
	case len(c.queue)+len(packets) > c.opts.MaxQueue:
		return ErrQueueFull
	}
	c.queue = append(c.queue, packets...)
	c.cond.Broadcast()
	return nil
}

// Close queues the close packet after what is already queued and returns;
// the Conn ends once the writer has sent it (wait on Done). Sends fail
// with ErrClosed from now on.
func (c *Conn) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.failed && !c.closing {
		c.sendLocked(Packet{Type: Close})
		c.closing = true
	}
}

// Abort ends the Conn at once with reason, without sending anything; wait
// on Done for its goroutines.
func (c *Conn) Abort(reason string) { c.fail(reason, nil) }

// fail ends the Conn for reason (once): it cancels requests in flight,
// closes the transport and wakes the goroutines so that they return.
func (c *Conn) fail(reason string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failed {
		return
	}
	if c.closing {
		// The server may answer the close packet by closing first.
		reason, err = ReasonForcedClose, nil
	}
	c.failed, c.reason, c.err = true, reason, err
	c.ping.Stop()
	c.cancel()
	c.t.close()
	c.cond.Broadcast()
}

// exit is called by each goroutine of the Conn as it returns; the last one
// releases the HTTP connections and closes done.
func (c *Conn) exit() {
	c.mu.Lock()
	c.running--
	last := c.running == 0
	c.mu.Unlock()
	if last {
		c.http.CloseIdleConnections()
		close(c.done)
	}
}
