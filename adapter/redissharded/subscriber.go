package redissharded

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// subscriber keeps an adapter's sharded subscriptions: one connection per
// Redis node that serves one of its channels, as SSUBSCRIBE takes channels
// of the node's own slots only. A goroutine applies the changes (add,
// remove) in the background, so that a room created under the adapter's
// lock never waits for Redis; a connection that fails is dropped and its
// channels subscribed again, each on the node that serves it then (a
// replica promoted, a restarted master), with a growing delay.
type subscriber struct {
	client    redis.UniversalClient
	cluster   *redis.ClusterClient // nil on one server
	onMessage func(channel string, payload []byte)
	logf      func(format string, args ...any)
	failed    func(kind string)

	mu      sync.Mutex
	want    map[string]bool       // channels that must be subscribed
	on      map[string]*shardConn // channel → connection it was asked on
	conns   map[string]*shardConn // node address → connection
	dirty   map[string]bool       // channels to look at again
	down    bool                  // subscriptions are being restored
	lastErr error                 // why, while down
	closed  bool
	wake    chan struct{}
	stop    chan struct{}
	wg      sync.WaitGroup
	healthy time.Duration // read timeout before a PING checks a connection
}

// shardConn is one subscription connection, to one node.
type shardConn struct {
	addr      string
	ps        *redis.PubSub
	channels  map[string]bool // asked for on this connection; true once confirmed
	ctx       context.Context // ends when the connection is dropped
	cancel    context.CancelFunc
	receiving bool // its goroutine runs
	torndown  bool
}

const (
	retryMin = 100 * time.Millisecond
	retryMax = 2 * time.Second
)

func newSubscriber(client redis.UniversalClient, onMessage func(string, []byte), logf func(string, ...any), failed func(string)) *subscriber {
	s := &subscriber{
		client:    client,
		onMessage: onMessage,
		logf:      logf,
		failed:    failed,
		want:      map[string]bool{},
		on:        map[string]*shardConn{},
		conns:     map[string]*shardConn{},
		dirty:     map[string]bool{},
		wake:      make(chan struct{}, 1),
		stop:      make(chan struct{}),
		healthy:   15 * time.Second,
	}
	s.cluster, _ = client.(*redis.ClusterClient)
	s.wg.Add(1)
	go s.run()
	return s
}

// add asks for channel to be subscribed. It never blocks.
func (s *subscriber) add(channel string) { s.set(channel, true) }

// remove asks for channel to be unsubscribed. It never blocks.
func (s *subscriber) remove(channel string) { s.set(channel, false) }

func (s *subscriber) set(channel string, want bool) {
	s.mu.Lock()
	if want {
		s.want[channel] = true
	} else {
		delete(s.want, channel)
	}
	s.dirty[channel] = true
	s.mu.Unlock()
	s.poke()
}

func (s *subscriber) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// waitSubscribed waits until Redis confirmed the subscription of every
// channel, or ctx ends.
func (s *subscriber) waitSubscribed(ctx context.Context, channels ...string) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := s.confirmed(channels); err == nil {
			return nil
		} else if ctx.Err() != nil {
			return err
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
		}
	}
}

// confirmed returns nil when every channel is confirmed, else the last
// error seen.
func (s *subscriber) confirmed(channels []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range channels {
		c := s.on[ch]
		if c == nil || !c.channels[ch] {
			if s.lastErr != nil {
				return s.lastErr
			}
			return errNotYet
		}
	}
	return nil
}

var (
	errNotYet           = errors.New("subscription not confirmed yet")
	errSubscriberClosed = errors.New("adapter closed")
)

// run applies the changes until close, retrying failed ones with a
// growing delay.
func (s *subscriber) run() {
	defer s.wg.Done()
	delay := retryMin
	var retry <-chan time.Time
	for {
		select {
		case <-s.wake:
		case <-retry:
		case <-s.stop:
			return
		}
		retry = nil
		if s.sync() {
			delay = retryMin
			continue
		}
		retry = time.After(delay)
		delay = min(2*delay, retryMax)
	}
}

// sync subscribes and unsubscribes what changed; it reports whether
// everything succeeded.
func (s *subscriber) sync() bool {
	s.mu.Lock()
	todo := s.dirty
	s.dirty = map[string]bool{}
	s.mu.Unlock()
	ok := true
	for ch := range todo {
		if err := s.apply(ch); err != nil {
			ok = false
			s.mu.Lock()
			s.dirty[ch] = true
			first := !s.down
			s.down = true
			s.lastErr = err
			s.mu.Unlock()
			if first {
				s.logf("subscribing to %s: %v (retrying)", ch, err)
				s.failed("subscribe")
			}
			if s.cluster != nil {
				s.cluster.ReloadState(context.Background())
			}
		}
	}
	return ok
}

// restoredLocked reports, once, that every wanted channel is subscribed
// and confirmed again after a failure; s.mu is held.
func (s *subscriber) restoredLocked() bool {
	if !s.down || len(s.dirty) > 0 {
		return false
	}
	for ch := range s.want {
		if c := s.on[ch]; c == nil || !c.channels[ch] {
			return false
		}
	}
	s.down, s.lastErr = false, nil
	return true
}

// apply makes the subscription of ch what is wanted.
func (s *subscriber) apply(ch string) error {
	s.mu.Lock()
	want, c := s.want[ch], s.on[ch]
	s.mu.Unlock()
	switch {
	case want && (c == nil || c.torndown):
		return s.subscribe(ch)
	case !want && c != nil:
		s.unsubscribe(c, ch)
	}
	return nil
}

// subscribe subscribes ch on the connection to the node that serves it.
// The channel is recorded on the connection before SSUBSCRIBE is sent, so
// that a failure of the connection at any point gives it back to run.
func (s *subscriber) subscribe(ch string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	node, err := s.nodeFor(ctx, ch)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errSubscriberClosed
	}
	c := s.connLocked(node)
	c.channels[ch] = false
	s.on[ch] = c
	s.mu.Unlock()
	if err := c.ps.SSubscribe(ctx, ch); err != nil {
		s.teardown(c, err)
		return err
	}
	s.mu.Lock()
	start := !c.receiving && !c.torndown && !s.closed
	c.receiving = true
	s.mu.Unlock()
	if start {
		// Receiving starts once the connection is up: a receive on a
		// connection not yet made would dial on its own.
		s.wg.Add(1)
		go s.receive(c)
	}
	return nil
}

// unsubscribe unsubscribes ch, and closes its connection once it has no
// channel left.
func (s *subscriber) unsubscribe(c *shardConn, ch string) {
	s.mu.Lock()
	delete(s.on, ch)
	delete(c.channels, ch)
	empty := len(c.channels) == 0 && !c.torndown
	if empty {
		c.torndown = true
		delete(s.conns, c.addr)
	}
	s.mu.Unlock()
	if empty {
		c.cancel()
		c.ps.Close()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ps.SUnsubscribe(ctx, ch); err != nil {
		s.teardown(c, err)
	}
}

// nodeFor returns the client of the node that serves ch: its slot's
// master on a cluster, the client itself on one server.
func (s *subscriber) nodeFor(ctx context.Context, ch string) (*redis.Client, error) {
	if s.cluster != nil {
		return s.cluster.MasterForKey(ctx, ch)
	}
	return s.client.(*redis.Client), nil
}

// connLocked returns the connection to node, making it; s.mu is held.
func (s *subscriber) connLocked(node *redis.Client) *shardConn {
	addr := node.Options().Addr
	if c := s.conns[addr]; c != nil {
		return c
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &shardConn{addr: addr, ps: node.SSubscribe(ctx), channels: map[string]bool{}, ctx: ctx, cancel: cancel}
	s.conns[addr] = c
	return c
}

// receive handles what c receives until it fails or is closed.
func (s *subscriber) receive(c *shardConn) {
	defer s.wg.Done()
	ctx := c.ctx
	pinged := false
	for {
		msg, err := c.ps.ReceiveTimeout(ctx, s.healthy)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && !pinged {
				// Quiet for a while: a PING tells a live connection
				// from one that died without a word.
				pinged = true
				if err = c.ps.Ping(ctx); err == nil {
					continue
				}
			}
			s.teardown(c, err)
			return
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Message:
			s.onMessage(m.Channel, []byte(m.Payload))
		case *redis.Subscription:
			s.onSubscription(c, m)
		}
	}
}

// onSubscription records a confirmation, or a channel the node dropped on
// its own: its slot moved to another node.
func (s *subscriber) onSubscription(c *shardConn, m *redis.Subscription) {
	restored := false
	defer func() {
		if restored {
			s.logf("subscriptions restored")
		}
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	_, asked := c.channels[m.Channel]
	switch m.Kind {
	case "ssubscribe":
		if asked {
			c.channels[m.Channel] = true
		}
		restored = s.restoredLocked()
	case "sunsubscribe":
		if asked && s.on[m.Channel] == c {
			delete(c.channels, m.Channel)
			delete(s.on, m.Channel)
			s.dirty[m.Channel] = true
			s.poke()
		}
	}
}

// teardown drops a failed connection; its channels are subscribed again
// by run.
func (s *subscriber) teardown(c *shardConn, err error) {
	s.mu.Lock()
	if c.torndown {
		s.mu.Unlock()
		return
	}
	c.torndown = true
	s.lastErr = err
	if s.conns[c.addr] == c {
		delete(s.conns, c.addr)
	}
	n := 0
	for ch := range c.channels {
		if s.on[ch] == c {
			delete(s.on, ch)
			s.dirty[ch] = true
			n++
		}
	}
	quiet := s.closed || s.down
	s.down = true
	s.mu.Unlock()
	c.cancel()
	c.ps.Close()
	if s.isClosed() {
		return
	}
	if !quiet {
		s.logf("subscription connection to %s lost: %v; subscribing %d channel(s) again", c.addr, err, n)
		s.failed("subscribe")
	}
	if s.cluster != nil {
		s.cluster.ReloadState(context.Background())
	}
	s.poke()
}

func (s *subscriber) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// close closes every connection and stops the goroutines.
func (s *subscriber) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := make([]*shardConn, 0, len(s.conns))
	for _, c := range s.conns {
		c.torndown = true
		conns = append(conns, c)
	}
	s.conns = map[string]*shardConn{}
	s.mu.Unlock()
	close(s.stop)
	for _, c := range conns {
		c.cancel()
		c.ps.Close()
	}
	s.wg.Wait()
}
