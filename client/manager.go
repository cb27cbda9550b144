package client

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/socketeer/socketeer/internal/eioclient"
)

// Manager is one connection to a Socket.IO server, shared by the sockets
// of several namespaces (socket.io-client's Manager). It connects when the
// first socket connects, reconnects after the connection is lost, and
// closes the connection when the last socket disconnects. It is safe for
// concurrent use.
type Manager struct {
	opts     Options
	endpoint string
	parser   parser // the wire form of packets (parser.go)
	g        *group
	ctx      context.Context // canceled by Close
	cancel   context.CancelFunc

	mu      sync.Mutex
	sockets map[string]*Socket
	conn    *eioclient.Conn // the open connection, nil when there is none
	running bool            // the supervisor goroutine runs
	runDone chan struct{}   // closed when it returns
	closed  bool
}

// NewManager returns a Manager for the server at rawURL (http, https, ws
// or wss; its path is ignored, see Options.Path). It does not connect yet.
func NewManager(rawURL string, o Options) (*Manager, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("socketeer: client URL: %w", err)
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return nil, fmt.Errorf("socketeer: client URL %q: scheme must be http, https, ws or wss", rawURL)
	}
	o = o.withDefaults()
	u.Path, u.RawPath, u.Fragment = o.Path, "", ""
	m := &Manager{opts: o, endpoint: u.String(), parser: newParser(o.Parser), g: newGroup(), sockets: map[string]*Socket{}}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	return m, nil
}

// Socket returns the socket of namespace nsp ("/" when empty), creating it
// with o on the first call; later calls return the same socket and ignore
// o. The socket connects when its Connect is called.
func (m *Manager) Socket(nsp string, o SocketOptions) *Socket {
	if nsp == "" {
		nsp = "/"
	} else if !strings.HasPrefix(nsp, "/") {
		nsp = "/" + nsp
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.sockets[nsp]; s != nil {
		return s
	}
	s := newSocket(m, nsp, o)
	m.sockets[nsp] = s
	return s
}

// Transport returns the transport of the open connection ("polling" or
// "websocket"), or "" when there is none.
func (m *Manager) Transport() Transport {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conn == nil {
		return ""
	}
	return Transport(m.conn.Transport())
}

// Close disconnects every socket (their disconnect callbacks see "io
// client disconnect"), closes the connection and waits until every
// goroutine of the Manager, running handlers included, has returned.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	done := m.runDone
	m.mu.Unlock()
	m.cancel()
	if done != nil {
		<-done
	}
	for _, s := range m.allSockets() {
		s.closed(ErrClosed)
	}
	m.g.Wait()
	return nil
}

// allSockets returns the sockets.
func (m *Manager) allSockets() []*Socket {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*Socket, 0, len(m.sockets))
	for _, s := range m.sockets {
		out = append(out, s)
	}
	return out
}

// start makes sure the supervisor runs (it connects and reconnects), or
// sends s's CONNECT on the open connection.
func (m *Manager) start(s *Socket) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.closed:
		return ErrClosed
	case m.conn != nil:
		s.sendConnect(m.conn)
	case !m.running:
		m.running, m.runDone = true, make(chan struct{})
		go m.run(m.runDone)
	}
	return nil
}

// dial opens a connection whose messages go to m.receive.
func (m *Manager) dial() (*eioclient.Conn, error) {
	ctx, cancel := context.WithTimeout(m.ctx, m.opts.Timeout)
	defer cancel()
	transports := make([]string, len(m.opts.Transports))
	for i, t := range m.opts.Transports {
		transports[i] = string(t)
	}
	var conn *eioclient.Conn
	dec := m.parser.newDecoder()
	ready := make(chan struct{})
	onMessage := func(data []byte, binary bool) {
		<-ready // conn is set
		m.receive(conn, dec, data, binary)
	}
	conn, err := eioclient.Dial(ctx, eioclient.Options{
		URL: m.endpoint, Transports: transports, Header: m.opts.Header, Query: m.opts.Query,
		TLSConfig: m.opts.TLSConfig, HandshakeTimeout: m.opts.Timeout, OnMessage: onMessage,
	})
	close(ready)
	return conn, err
}

// receive decodes one message of conn and hands the packet to its socket.
// It runs on conn's reader goroutine.
func (m *Manager) receive(conn *eioclient.Conn, dec packetDecoder, data []byte, binary bool) {
	p, done, err := dec.decode(data, binary)
	if err != nil {
		conn.Abort(eioclient.ReasonParseError)
		return
	}
	if !done {
		return
	}
	m.mu.Lock()
	s := m.sockets[p.Namespace]
	m.mu.Unlock()
	if s == nil {
		return // a namespace this client never joined: ignore
	}
	if err := s.handle(conn, p); err != nil {
		conn.Abort(err.Error())
	}
}

// run is the supervisor goroutine: it connects, waits for the connection
// to end, and reconnects with backoff, until Close or until no socket
// wants to be connected.
func (m *Manager) run(done chan struct{}) {
	defer close(done)
	b := newBackoff(m.opts)
	attempt := 0 // the reconnection attempt; 0 for a first connection
	for {
		if attempt > 0 && !m.wait(b.delay(attempt), attempt) {
			return
		}
		conn, err := m.dial()
		if err != nil {
			if m.ctx.Err() != nil {
				m.stop(nil)
				return
			}
			for _, s := range m.allSockets() {
				s.transportError(err)
			}
			if m.opts.NoReconnect || m.opts.ReconnectAttempts > 0 && attempt >= m.opts.ReconnectAttempts {
				m.giveUp(err)
				return
			}
			attempt++
			continue
		}
		if attempt > 0 && m.opts.OnReconnect != nil {
			m.opts.OnReconnect(attempt)
		}
		reason, stay := m.serve(conn)
		if !stay {
			return
		}
		attempt = 1
		if reason == eioclient.ReasonForcedClose {
			attempt = 0 // we closed it while a socket wanted it: reopen now
		}
	}
}

// wait sleeps for the delay before reconnection attempt n and announces
// it; false if the Manager was closed meanwhile (or no socket wants a
// connection any more).
func (m *Manager) wait(d time.Duration, n int) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-m.ctx.Done():
		m.stop(nil)
		return false
	}
	if !m.wanted() {
		m.stop(nil)
		return false
	}
	if m.opts.OnReconnectAttempt != nil {
		m.opts.OnReconnectAttempt(n)
	}
	return true
}

// serve makes conn the open connection, connects the sockets that want to
// be, and waits for conn to end. It returns why it ended and whether the
// supervisor goes on.
func (m *Manager) serve(conn *eioclient.Conn) (reason string, stay bool) {
	m.mu.Lock()
	m.conn = conn
	for _, s := range m.sockets {
		s.sendConnect(conn)
	}
	m.mu.Unlock()
	select {
	case <-conn.Done():
	case <-m.ctx.Done():
		m.mu.Lock()
		for _, s := range m.sockets {
			s.sendDisconnect(conn)
		}
		m.mu.Unlock()
		conn.Close()
		select {
		case <-conn.Done():
		case <-time.After(time.Second):
			conn.Abort(eioclient.ReasonForcedClose)
			<-conn.Done()
		}
	}
	reason, _ = conn.Reason()
	m.mu.Lock()
	m.conn = nil
	m.mu.Unlock()
	if m.ctx.Err() != nil {
		reason = ReasonClientDisconnect
	}
	for _, s := range m.allSockets() {
		s.lost(conn, reason)
	}
	if m.ctx.Err() != nil || !m.wanted() {
		m.stop(nil)
		return reason, false
	}
	if m.opts.NoReconnect && reason != eioclient.ReasonForcedClose {
		m.stop(fmt.Errorf("%w: connection lost (%s) and reconnection is off", ErrDisconnected, reason))
		return reason, false
	}
	return reason, true
}

// wanted reports whether a socket wants to be connected.
func (m *Manager) wanted() bool {
	for _, s := range m.allSockets() {
		if s.isActive() {
			return true
		}
	}
	return false
}

// stop marks the supervisor as stopped; sockets still waiting in Connect
// get err (nil: they keep waiting for the next start).
func (m *Manager) stop(err error) {
	m.mu.Lock()
	m.running = false
	m.mu.Unlock()
	if err != nil {
		for _, s := range m.allSockets() {
			s.connectFailed(err)
		}
	}
}

// giveUp stops reconnecting after err.
func (m *Manager) giveUp(err error) {
	err = fmt.Errorf("%w: %w", ErrReconnectFailed, err)
	m.stop(err)
	if m.opts.OnReconnectFailed != nil {
		m.opts.OnReconnectFailed(err)
	}
}

// idle closes the connection when no socket wants it any more.
func (m *Manager) idle() {
	if m.wanted() {
		return
	}
	m.mu.Lock()
	conn := m.conn
	m.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}
