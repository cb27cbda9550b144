package nsrt

import (
	"context"
	"time"
)

// socketContext is a Socket seen as the context.Context that ends when it
// disconnects. Its Done channel is made only when asked for, so a socket
// whose handlers never wait on their context costs nothing for it.
type socketContext Socket

var _ context.Context = (*socketContext)(nil)

// Deadline reports no deadline.
func (c *socketContext) Deadline() (time.Time, bool) { return time.Time{}, false }

// Done returns a channel closed when the socket disconnects.
func (c *socketContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.state.Load() == stateDisconnected {
			close(c.done)
		}
	}
	return c.done
}

// Err returns context.Canceled once the socket disconnected.
func (c *socketContext) Err() error {
	if c.state.Load() == stateDisconnected {
		return context.Canceled
	}
	return nil
}

// Value returns nil: a socket's context carries no values.
func (c *socketContext) Value(any) any { return nil }

// String names the context for debugging.
func (c *socketContext) String() string { return "socket " + c.id + " context" }

// endContext closes the Done channel, if one was made. The socket's state
// is already disconnected.
func (s *Socket) endContext() {
	s.mu.Lock()
	if s.done != nil {
		select {
		case <-s.done:
		default:
			close(s.done)
		}
	}
	s.mu.Unlock()
}
