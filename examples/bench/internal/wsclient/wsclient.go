// Package wsclient is the small Socket.IO client of the benchmark
// programs: namespace "/" over a websocket opened directly (no polling
// first), text packets only, as the benchmark contract specifies. It
// answers the server's pings itself, so callers see only other packets.
package wsclient

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Conn is one client connection, connected to namespace "/". Read must
// be called from one goroutine; Write is safe for concurrent use.
type Conn struct {
	ws  *websocket.Conn
	mu  sync.Mutex // serializes writes (pongs from Read, packets from Write)
	SID string     // the Socket.IO socket id the server gave
}

// Dial opens a websocket to the Engine.IO server at addr (host:port) and
// connects to namespace "/", from the local address laddr when it is set.
func Dial(ctx context.Context, addr string, laddr net.Addr) (*Conn, error) {
	d := websocket.Dialer{
		HandshakeTimeout: 30 * time.Second,
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
		NetDialContext:   (&net.Dialer{LocalAddr: laddr}).DialContext,
	}
	ws, _, err := d.DialContext(ctx, "ws://"+addr+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		return nil, err
	}
	c := &Conn{ws: ws}
	if deadline, ok := ctx.Deadline(); ok {
		ws.SetReadDeadline(deadline)
		defer ws.SetReadDeadline(time.Time{})
	}
	if err := c.connect(); err != nil {
		ws.Close()
		return nil, err
	}
	return c, nil
}

// connect reads the open packet, sends CONNECT and waits for its reply.
func (c *Conn) connect() error {
	open, err := c.Read()
	if err != nil {
		return fmt.Errorf("reading the open packet: %w", err)
	}
	if !bytes.HasPrefix(open, []byte(`0{`)) {
		return fmt.Errorf("want the open packet, got %.60q", open)
	}
	if err := c.Write([]byte("40")); err != nil {
		return err
	}
	for {
		p, err := c.Read()
		if err != nil {
			return fmt.Errorf("waiting for the CONNECT reply: %w", err)
		}
		if bytes.HasPrefix(p, []byte(`44`)) {
			return fmt.Errorf("connect refused: %.100s", p)
		}
		if rest, ok := bytes.CutPrefix(p, []byte(`40{"sid":"`)); ok {
			if i := bytes.IndexByte(rest, '"'); i > 0 {
				c.SID = string(rest[:i])
			}
			return nil
		}
	}
}

// Read returns the next Engine.IO packet other than a ping, which it
// answers. The bytes are valid until the next Read.
func (c *Conn) Read() ([]byte, error) {
	for {
		_, p, err := c.ws.ReadMessage()
		if err != nil {
			return nil, err
		}
		if len(p) == 1 && p[0] == '2' {
			if err := c.Write([]byte("3")); err != nil {
				return nil, err
			}
			continue
		}
		return p, nil
	}
}

// Write sends one Engine.IO packet as a text message.
func (c *Conn) Write(p []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ws.WriteMessage(websocket.TextMessage, p)
}

// SetReadDeadline makes a Read blocked at t, and every later one, fail.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.ws.SetReadDeadline(t) }

// Close closes the websocket.
func (c *Conn) Close() error { return c.ws.Close() }
