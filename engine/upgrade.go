package engine

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// The upgrade (protocol.md 1.6): a websocket opened for a session on
// polling is a probe until the client sends 5. Its bytes decide, in the
// order they arrived, what later polling requests of the session get: a
// polling request that comes while the probe is open first reads what the
// probe socket already holds (Session.settleProbe), so a 5 sent before the
// request switches the session before the request is answered, whichever
// goroutine is scheduled first.

// Probe phases.
const (
	probeWantPing    = iota // waiting for 2probe
	probeWantUpgrade        // 3probe sent, waiting for 5
	probeUpgraded           // 5 read: the websocket is the session's transport
	probeEnded              // upgraded, and that websocket has already failed
)

// upgradeProbe is a websocket being probed for an upgrade.
type upgradeProbe struct {
	conn net.Conn
	raw  syscall.RawConn // nil when conn has no descriptor of its own (TLS): read by blocking reads only

	mu    sync.Mutex // held while the probe's bytes are read and parsed
	rd    frameReader
	phase int
	chunk []byte
}

// handleUpgrade accepts a websocket for a session on polling and starts
// the probe. A websocket for a session already upgrading or upgraded
// completes its handshake and is closed at once, as the reference server
// does; the session is not disturbed. The probe takes its place in the
// session before the handshake is answered: a polling request the client
// sends after it saw the 101 waits for the probe's socket and reads it.
func (s *Session) handleUpgrade(w http.ResponseWriter, r *http.Request) {
	if !s.srv.opts.allows(transportWebsocket) {
		errBadRequest.write(w)
		return
	}
	p := &upgradeProbe{rd: frameReader{limit: s.srv.opts.MaxPayload}}
	p.mu.Lock() // until the connection is attached
	defer p.mu.Unlock()
	s.mu.Lock()
	busy := s.onWebsocket || s.probeLocked() != nil || s.state != stateOpen
	if !busy {
		s.extraLocked().probe = p
	}
	s.mu.Unlock()
	wc, err := s.srv.upgrader.Upgrade(w, r, nil)
	if err != nil { // the upgrader answered the request
		if !busy {
			s.endProbe(p)
		}
		return
	}
	conn := wc.NetConn() // gorilla did the handshake; frames are ours
	s.mu.Lock()
	attached := !busy && s.probeLocked() == p && s.state == stateOpen
	if attached {
		p.conn = conn
	}
	s.mu.Unlock()
	if !attached {
		go refuseWebsocket(conn)
		return
	}
	bp := readPool.Get().(*[]byte)
	p.raw, p.chunk = rawConn(conn), (*bp)[:cap(*bp)]
	go s.runProbe(p, bp)
}

// refuseWebsocket closes an accepted websocket that has no session to
// join: a close frame, then the client's reply is awaited briefly so that
// closing the connection does not reset it under the client's close frame.
func refuseWebsocket(conn net.Conn) {
	conn.SetWriteDeadline(time.Now().Add(closeDrainTimeout))
	conn.Write(appendCloseFrame(nil, closeNormal))
	conn.SetReadDeadline(time.Now().Add(closeDrainTimeout))
	io.Copy(io.Discard, io.LimitReader(conn, 1<<16))
	conn.Close()
}

// runProbe reads the probe until it upgrades the session or fails, then
// reads the session's websocket as its transport. A failure (anything but
// 2probe then 5, or no 5 within UpgradeTimeout) drops the websocket; the
// session stays on polling.
func (s *Session) runProbe(p *upgradeProbe, bp *[]byte) {
	p.conn.SetReadDeadline(time.Now().Add(s.srv.opts.UpgradeTimeout))
	err := s.readProbe(p)
	p.mu.Lock()
	phase := p.phase
	if err != nil && phase == probeUpgraded {
		p.phase = probeEnded
	}
	p.chunk = nil
	p.mu.Unlock()
	readPool.Put(bp)
	if phase == probeUpgraded && err == nil {
		s.srv.startReading(s, p.conn, &p.rd, true)
		return
	}
	s.probeFailed(p, phase, err)
}

// errProbeRead marks a read error of the probe socket.
var errProbeRead = errors.New("socketeer/engine: websocket read failed")

// readProbe reads the probe socket until the upgrade or an error. Where
// the socket has a descriptor, reads are non-blocking and made under
// p.mu, so that settleProbe may read it too. Errors are returned, not
// handled: closing the connection inside a raw read would wait for that
// very read.
func (s *Session) readProbe(p *upgradeProbe) error {
	if p.raw == nil {
		for p.phase < probeUpgraded {
			n, err := p.conn.Read(p.chunk)
			if n > 0 {
				if ferr := p.rd.feed(p.chunk[:n], s.probeStep(p)); ferr != nil {
					return ferr
				}
			}
			if err != nil {
				return fmt.Errorf("%w: %w", errProbeRead, err)
			}
		}
		return nil
	}
	var err error
	rerr := p.raw.Read(func(fd uintptr) bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		var more bool
		more, err = s.readProbeNow(p, fd)
		return !more // false: wait until the socket is readable again
	})
	if err == nil && rerr != nil {
		err = fmt.Errorf("%w: %w", errProbeRead, rerr)
	}
	return err
}

// readProbeNow reads and parses what the probe socket holds now, without
// blocking; more reports that the socket is drained and the probe still
// waits for bytes. p.mu is held.
func (s *Session) readProbeNow(p *upgradeProbe, fd uintptr) (more bool, err error) {
	for p.phase < probeUpgraded {
		n, wouldBlock, rerr := readFD(fd, p.chunk)
		switch {
		case n > 0:
			if ferr := p.rd.feed(p.chunk[:n], s.probeStep(p)); ferr != nil {
				return false, ferr
			}
		case wouldBlock:
			return true, nil
		default:
			return false, fmt.Errorf("%w: %w", errProbeRead, rerr)
		}
	}
	return false, nil
}

// probeFailed handles what ended a probe's reads, with no read of it in
// progress: before the upgrade the probe is dropped and the session stays
// on polling; after it, the session's websocket has failed.
func (s *Session) probeFailed(p *upgradeProbe, phase int, err error) {
	switch {
	case phase == probeEnded:
	case phase < probeUpgraded:
		s.endProbe(p)
	case errors.Is(err, errProbeRead):
		s.closeAfterInbox(ReasonTransportClose)
	case err != nil:
		s.frameError(err)
	}
}

// probeStep returns the frame handler of the probe's phases.
func (s *Session) probeStep(p *upgradeProbe) func(op byte, payload []byte) error {
	return func(op byte, payload []byte) error {
		if p.phase == probeUpgraded {
			return s.onFrame(op, payload)
		}
		switch {
		case op == opPing:
			p.conn.Write(append(appendFrameHeader(nil, opPong, len(payload)), payload...))
			return nil
		case op == opPong:
			return nil
		case op != opText:
		case p.phase == probeWantPing && string(payload) == "2probe":
			p.phase = probeWantUpgrade
			return s.probed(p.conn)
		case p.phase == probeWantUpgrade && string(payload) == "5":
			p.phase = probeUpgraded
			return s.upgraded(p)
		}
		return errFrame
	}
}

// settleProbe makes a polling request see the upgrade in the order the
// bytes arrived: what the probe socket holds already is read and parsed
// (a 5 among it switches the session) before the request is answered.
func (s *Session) settleProbe() {
	s.mu.Lock()
	p := s.probeLocked()
	s.mu.Unlock()
	if p == nil {
		return
	}
	p.mu.Lock() // waits for a probe's connection being attached
	if p.raw == nil || p.chunk == nil || p.phase >= probeUpgraded {
		p.mu.Unlock()
		return // no descriptor to read, the probe ended, or its reader switched the session
	}
	var err error
	if cerr := p.raw.Control(func(fd uintptr) { _, err = s.readProbeNow(p, fd) }); err == nil && cerr != nil {
		err = fmt.Errorf("%w: %w", errProbeRead, cerr)
	}
	phase := p.phase
	if err != nil && phase == probeUpgraded {
		p.phase = probeEnded // handled here: the probe's reader must not read on
	}
	p.mu.Unlock()
	if err != nil {
		s.probeFailed(p, phase, err)
	}
}

// probed answers 2probe and releases the held GET.
func (s *Session) probed(conn net.Conn) error {
	conn.SetWriteDeadline(time.Now().Add(s.srv.opts.UpgradeTimeout))
	_, err := conn.Write(appendFrame(nil, Packet{Type: Pong, Data: []byte("probe")}))
	conn.SetWriteDeadline(time.Time{})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateOpen || s.onWebsocket {
		return errStopped
	}
	s.upgrading = true
	s.wakeGet() // release a pending GET with a noop
	return nil
}

// upgraded switches the session to the probe's websocket on 5, then
// tells the receiver if it asked to know.
func (s *Session) upgraded(p *upgradeProbe) error {
	p.conn.SetReadDeadline(time.Time{})
	s.mu.Lock()
	if s.state != stateOpen {
		s.mu.Unlock()
		return errStopped
	}
	s.upgrading = false
	s.extraLocked().probe = nil
	s.attachWebsocket(p.conn, &p.rd)
	s.kickLocked()
	s.wakeGet() // a GET still held sees the switch and answers noop
	s.mu.Unlock()
	if u, ok := s.recv.(UpgradeObserver); ok {
		u.OnUpgrade()
	}
	return nil
}

// endProbe drops a failed probe; the session stays on polling.
func (s *Session) endProbe(p *upgradeProbe) {
	s.mu.Lock()
	if s.probeLocked() == p {
		s.x.probe = nil
		s.upgrading = false
	}
	conn := p.conn
	s.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}
