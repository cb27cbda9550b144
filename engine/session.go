package engine

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// closeDrainTimeout bounds the wait for a client to fetch its close packet.
const closeDrainTimeout = time.Second

type sessionState uint8

const (
	stateOpen    sessionState = iota
	stateClosing              // a close packet is queued; finalize once it is out
	stateClosed
)

// Session is one Engine.IO connection, whatever its transport. Its methods
// are safe for concurrent use.
type Session struct {
	id   string
	srv  *Server
	hs   handshake
	recv Receiver
	icpt Interceptor // recv, if it intercepts messages

	mu           sync.Mutex
	state        sessionState
	upgrading    bool // a probe websocket answered 2probe; polling is pausing
	writing      bool
	getPending   bool
	postActive   bool
	awaitingPong bool
	dispatching  bool  // a dispatcher runs (on a worker, a poller read or the reader)
	feeding      bool  // a websocket reader parses what it read, and will dispatch what it queues itself
	active       bool  // a message came since the last ping: a reader goroutine idle for a ping interval goes back to the poller
	onWebsocket  bool  // the transport is the websocket (else polling)
	received     uint8 // messages handed to the dispatcher, counted up to readerAfterMessages
	queue        []Packet
	spare        []Packet
	queued       int             // bytes in queue
	conn         net.Conn        // the websocket's connection, once the session is on it
	raw          syscall.RawConn // conn's, for writes that never wait; nil when not a socket of its own
	rd           *frameReader    // its frame parser
	inflight     int             // bytes the writer goroutine is writing now
	pongDue      time.Duration   // the next ping's scheduled time + PingTimeout (on the wheel's clock): silent till then, the session is dead
	inbox        []inboxItem     // websocket packets waiting for the dispatcher
	inboundBytes int             // bytes of the inbox and of the packet being handled
	x            *sessionExtra   // made when first needed
	hbTick       uint32          // the wheel's tick the heartbeat is due at (its low 32 bits)
	hbPos        int32           // 1 + the session's index in that tick's slot; 0 when not scheduled
	fd           int32           // its socket, while the poller reads it; -1 otherwise
	readerHeld   int32           // bytes the reader may hold when it reads next (waitInbound)
}

// sessionExtra holds what a session needs only on polling, over TLS,
// while it is being upgraded, while its reader waits for room, while a
// client slow to read leaves a reply unsent, or once it closes. It is made when first needed, so that an open websocket session
// is two size classes smaller.
type sessionExtra struct {
	wake        chan struct{}        // signals a held polling GET (polling sessions)
	tls         *tls.ConnectionState // the handshake request's
	probe       *upgradeProbe        // a websocket being probed for an upgrade
	room        *sync.Cond           // signalled when the dispatcher made room
	done        chan struct{}        // made when Done is first called
	reason      string               // why the session ended
	drainReason string               // the reader ended: close for this once the inbox is handled
	unsent      *frameBuf            // frames a write without waiting left for the writer
	reader      *ownReader           // the reader goroutine, while the websocket has one
}

// extraLocked returns the session's sessionExtra, made if need be.
func (s *Session) extraLocked() *sessionExtra {
	if s.x == nil {
		s.x = &sessionExtra{}
	}
	return s.x
}

// probeLocked returns the websocket being probed for an upgrade, if any.
func (s *Session) probeLocked() *upgradeProbe {
	if s.x == nil {
		return nil
	}
	return s.x.probe
}

// takeDrainReasonLocked returns the reason to close for once the inbox is
// handled, if the reader ended, and clears it.
func (s *Session) takeDrainReasonLocked() string {
	if s.x == nil || s.x.drainReason == "" {
		return ""
	}
	r := s.x.drainReason
	s.x.drainReason = ""
	return r
}

// reasonLocked returns why the session ended ("" while it is open).
func (s *Session) reasonLocked() string {
	if s.x == nil {
		return ""
	}
	return s.x.reason
}

func newSession(srv *Server, id string, r *http.Request, transport string) *Session {
	var x *sessionExtra
	if transport == transportPolling || r.TLS != nil {
		x = &sessionExtra{tls: r.TLS}
		if transport == transportPolling { // only polling GETs wait for wake
			x.wake = make(chan struct{}, 1)
		}
	}
	return &Session{
		fd:          -1,
		x:           x,
		id:          id,
		srv:         srv,
		hs:          newHandshake(r),
		onWebsocket: transport == transportWebsocket,
	}
}

// start hands the session to its receiver and arms the heartbeat.
func (s *Session) start(recv Receiver) {
	s.recv = recv
	s.icpt, _ = recv.(Interceptor)
	s.mu.Lock()
	now := s.srv.hb.now()
	s.pongDue = now + s.srv.opts.PingInterval + s.srv.opts.PingTimeout
	s.schedulePingLocked(now)
	s.mu.Unlock()
}

// schedulePingLocked schedules the next ping PingInterval after now, at
// the wheel's tick at or just before that time: a ping a tick early is
// harmless, while one a tick late would shorten the client's time to
// answer before pongDue.
func (s *Session) schedulePingLocked(now time.Duration) {
	s.srv.hb.schedule(s, now+s.srv.opts.PingInterval-s.srv.hb.res+1)
}

// ID returns the session id (the Engine.IO sid).
func (s *Session) ID() string { return s.id }

// Request returns the handshake request without its body: method, URL,
// protocol, headers, host, remote address, request URI and TLS state. The
// session keeps them in compact form and rebuilds a new request on each
// call, which the caller may keep or change.
func (s *Session) Request() *http.Request {
	r := s.hs.request()
	s.mu.Lock()
	if s.x != nil {
		r.TLS = s.x.tls
	}
	s.mu.Unlock()
	return r
}

// Transport returns the current transport: "polling" or "websocket".
func (s *Session) Transport() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.onWebsocket {
		return transportWebsocket
	}
	return transportPolling
}

// Done is closed once the session has ended.
func (s *Session) Done() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.extraLocked()
	if x.done == nil {
		x.done = make(chan struct{})
		if s.state == stateClosed {
			close(x.done)
		}
	}
	return x.done
}

// Send queues message packets to the client, atomically and in order:
// packets of one call are never interleaved with those of another. It
// returns ErrClosed after the session ended and ErrSlowConsumer (closing
// the session) when the queue would exceed Options.MaxQueuedBytes. Every
// packet must be of type Message; their Data must not be changed later,
// so that one encoding can be shared by many sessions.
func (s *Session) Send(packets ...Packet) error {
	return s.enqueue(packets, false)
}

// SendVolatile queues the packets only if nothing is waiting to be written
// to the client now; it reports whether they were queued.
func (s *Session) SendVolatile(packets ...Packet) bool {
	return s.enqueue(packets, true) == nil
}

var errBusy = fmt.Errorf("socketeer/engine: transport busy")

func (s *Session) enqueue(packets []Packet, volatile bool) error {
	n := 0
	for i := range packets {
		n += packets[i].encodedLen()
	}
	s.mu.Lock()
	if s.state != stateOpen {
		s.mu.Unlock()
		return ErrClosed
	}
	if volatile && (s.queued+s.inflight > 0 || s.upgrading) {
		s.mu.Unlock()
		return errBusy
	}
	if backlog := s.queued + s.inflight; backlog > 0 && backlog+n > s.srv.opts.MaxQueuedBytes {
		s.mu.Unlock()
		// Closed from its own goroutine: the sender (often a broadcast
		// loop) must not run the application's disconnect handlers.
		go s.close(ReasonSlowConsumer, false)
		return ErrSlowConsumer
	}
	s.queue = append(s.queue, packets...)
	s.queued += n
	if s.dispatching && !s.writing && len(s.queue) == len(packets) &&
		s.onWebsocket && s.raw != nil {
		// Most likely a handler's reply, on the dispatcher: it writes
		// the frames itself, without blocking, instead of waking a writer
		// (not on TLS or off Linux, where there is no raw connection).
		s.writing = true
		s.writeNowLocked()
		return nil
	}
	s.kickLocked()
	s.mu.Unlock()
	return nil
}

// kickLocked makes the current transport write what is queued.
func (s *Session) kickLocked() {
	if len(s.queue) == 0 && s.state == stateOpen {
		return
	}
	if s.onWebsocket {
		if !s.writing && s.conn != nil {
			s.writing = true
			s.srv.workers.run(s, jobFlush)
		}
		return
	}
	s.wakeGet()
}

// wakeGet signals a held polling GET to look at the session again.
func (s *Session) wakeGet() {
	if s.x == nil || s.x.wake == nil {
		return
	}
	select {
	case s.x.wake <- struct{}{}:
	default:
	}
}

// takeQueueLocked removes and returns everything queued.
func (s *Session) takeQueueLocked() []Packet {
	batch := s.queue
	s.queue = s.spare[:0]
	s.spare = nil
	s.queued = 0
	return batch
}

// recycleLocked keeps a drained batch's backing array for the next one,
// unless it grew large.
func (s *Session) recycleLocked(batch []Packet) {
	if cap(batch) <= 64 {
		clear(batch)
		s.spare = batch[:0]
	}
}

// Close ends the session from the server side: the client receives a
// close packet after everything already queued.
func (s *Session) Close() { s.close(ReasonForcedServerSide, true) }

// close starts ending the session. With notify the client is sent a close
// packet first; the session is finalized once it is written (or at once
// when that cannot happen). The receiver learns the reason exactly once.
func (s *Session) close(reason string, notify bool) {
	s.mu.Lock()
	if s.state != stateOpen {
		s.mu.Unlock()
		return
	}
	s.extraLocked().reason = reason
	s.state = stateClosing
	s.madeRoomLocked() // a waiting reader gives up
	canNotify := notify && (!s.onWebsocket || s.conn != nil)
	if canNotify {
		s.queue = append(s.queue, Packet{Type: Close})
		s.kickLocked()
		// A live polling client fetches the close packet within a round
		// trip (it always has a GET pending or coming); one that does not
		// is dropped soon, so that Shutdown need not wait for it. The
		// heartbeat of a closing session finalizes it.
		s.srv.hb.schedule(s, s.srv.hb.now()+min(s.srv.opts.PingTimeout, closeDrainTimeout))
	} else {
		s.srv.hb.unschedule(s) // finalized below, once the receiver knows
	}
	s.mu.Unlock()
	if s.recv != nil {
		s.recv.OnClose(reason)
	}
	if !canNotify {
		s.finalize()
	}
}

// closedByClient ends the session on the client's close packet. On
// polling the client may have sent a GET along with the POST carrying the
// close, and that GET is owed a noop whichever of the two the server sees
// first: the session lingers, closing, until a GET has been answered so
// or closeDrainTimeout has passed.
func (s *Session) closedByClient() {
	s.mu.Lock()
	if s.state != stateOpen || s.onWebsocket {
		s.mu.Unlock()
		s.close(ReasonTransportClose, false)
		return
	}
	s.extraLocked().reason = ReasonTransportClose
	s.state = stateClosing
	s.madeRoomLocked()
	s.queue, s.queued = nil, 0
	s.srv.hb.schedule(s, s.srv.hb.now()+closeDrainTimeout) // then finalized
	s.wakeGet()
	s.mu.Unlock()
	if s.recv != nil {
		s.recv.OnClose(ReasonTransportClose)
	}
}

// finalize releases the session: it leaves the server's table, its
// websocket is closed and any waiting request is released.
func (s *Session) finalize() {
	s.mu.Lock()
	if s.state == stateClosed {
		s.mu.Unlock()
		return
	}
	wasOpen := s.state == stateOpen
	if wasOpen {
		s.extraLocked().reason = ReasonForcedClose
	}
	s.state = stateClosed
	s.madeRoomLocked()
	s.srv.hb.unschedule(s)
	ws, fd := s.conn, int(s.fd)
	var probe net.Conn
	if p := s.probeLocked(); p != nil {
		probe = p.conn
	}
	s.fd = -1
	s.queue, s.spare, s.queued = nil, nil, 0
	s.wakeGet()
	if s.x != nil && s.x.done != nil {
		close(s.x.done)
	}
	s.mu.Unlock()
	if fd >= 0 {
		s.srv.poller.remove(s, fd) // before the number can be reused
	}
	if ws != nil {
		ws.Close()
	}
	if probe != nil && probe != ws {
		probe.Close()
	}
	if wasOpen && s.recv != nil {
		s.recv.OnClose(ReasonForcedClose)
	}
	s.srv.remove(s)
}

// heartbeat runs when the session is due on the server's wheel: it sends
// a ping, or closes the session when the previous ping went unanswered,
// or finalizes a closing session whose close packet had its time to go
// out. Deadlines follow the schedule, not the wheel: a wheel that runs
// late on a loaded machine shortens the wait for the pong instead of
// lengthening the session. It must not block the wheel: closing (which
// runs the application's disconnect handlers) gets a goroutine.
func (s *Session) heartbeat() {
	s.mu.Lock()
	switch {
	case s.state == stateClosing:
		s.mu.Unlock()
		s.finalize()
		return
	case s.state != stateOpen:
		s.mu.Unlock()
		return
	case s.awaitingPong:
		s.mu.Unlock()
		go s.close(ReasonPingTimeout, false)
		return
	}
	if !s.active && s.x != nil && s.x.reader != nil {
		s.x.reader.backToPoller()
	}
	s.active = false
	s.awaitingPong = true
	s.queue = append(s.queue, Packet{Type: Ping})
	s.queued++
	s.kickLocked()
	s.srv.hb.schedule(s, s.pongDue)
	s.mu.Unlock()
}

// gone reports whether a request naming the session must find it
// unknown: it was closed and is being released, or it stayed silent past
// its pong deadline (it is closed now). A request checks it before it is
// served, so that a silent session is gone once its deadline has passed
// however late the heartbeat timer runs.
func (s *Session) gone() bool {
	s.mu.Lock()
	closed := s.state == stateClosed
	overdue := s.state == stateOpen && s.srv.hb.now() >= s.pongDue
	s.mu.Unlock()
	if overdue {
		s.close(ReasonPingTimeout, false)
	}
	return closed || overdue
}

func (s *Session) pong() {
	s.mu.Lock()
	if s.state == stateOpen {
		s.awaitingPong = false
		now := s.srv.hb.now()
		s.pongDue = now + s.srv.opts.PingInterval + s.srv.opts.PingTimeout
		s.schedulePingLocked(now)
	}
	s.mu.Unlock()
}

// onPacket handles one packet from the client, on either transport.
func (s *Session) onPacket(p Packet) error {
	switch p.Type {
	case Message:
		s.recv.OnMessage(p.Data, p.Binary)
	case Pong:
		s.pong()
	case Close:
		s.closedByClient()
	default:
		err := fmt.Errorf("%w: unexpected packet type %q from client", ErrParse, byte(p.Type))
		s.close(ReasonParseError, false)
		return err
	}
	return nil
}
