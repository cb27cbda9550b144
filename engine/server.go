package engine

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/gorilla/websocket"
)

// Receiver receives what the client of one session sends.
//
// OnMessage is called for each message packet, in order, from one goroutine
// at a time; data is valid only during the call. OnClose is called exactly
// once when the session ends, possibly from another goroutine and possibly
// while OnMessage runs.
type Receiver interface {
	OnMessage(data []byte, binary bool)
	OnClose(reason string)
}

// Interceptor is optionally implemented by a Receiver. The session's
// reader calls Intercept for each message before queueing it for
// OnMessage; true means the message was handled there and is not queued.
// It lets replies that a running handler waits for (acknowledgements)
// overtake the queue. It runs on the reader, concurrently with OnMessage,
// and must not block.
type Interceptor interface {
	Intercept(data []byte, binary bool) bool
}

// UpgradeObserver is optionally implemented by a Receiver: OnUpgrade is
// called once the session has moved from polling to websocket. It runs on
// the websocket's reader and must not block.
type UpgradeObserver interface {
	OnUpgrade()
}

// Server is an Engine.IO v4 server. It is an http.Handler that serves both
// transports on whatever path it is mounted at.
type Server struct {
	opts     Options
	open     func(*Session) Receiver
	upgrader websocket.Upgrader
	openTail []byte // the open packet after the sid, per transport kind
	wsTail   []byte

	mu       sync.RWMutex
	sessions map[string]*Session
	shutdown bool
	live     sync.WaitGroup // one per session until it is finalized
	workers  workers        // run the sessions' dispatchers and websocket reads
	poller   poller         // waits for readable websockets (Linux)
	readers  atomic.Int64   // websockets read by a goroutine of their own
	watch    readerWatch    // hands a blocked reader's reading over
	hb       *wheel         // the sessions' heartbeats
}

// NewServer returns a Server. open is called for every new session before
// any of its messages is read and returns the session's Receiver.
func NewServer(opts Options, open func(*Session) Receiver) *Server {
	o := opts.withDefaults()
	srv := &Server{opts: o, open: open, sessions: make(map[string]*Session),
		hb: newWheel(min(o.PingInterval, o.PingTimeout), o.PingInterval+o.PingTimeout)}
	srv.upgrader = websocket.Upgrader{
		ReadBufferSize:  o.ReadBufferSize,
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     func(*http.Request) bool { return true }, // checked in ServeHTTP
	}
	upgrades := `[]`
	if o.allows(transportWebsocket) && o.allows(transportPolling) {
		upgrades = `["websocket"]`
	}
	tail := `,"pingInterval":` + strconv.Itoa(int(o.PingInterval.Milliseconds())) +
		`,"pingTimeout":` + strconv.Itoa(int(o.PingTimeout.Milliseconds())) +
		`,"maxPayload":` + strconv.Itoa(o.MaxPayload) + `}`
	srv.openTail = []byte(`","upgrades":` + upgrades + tail)
	srv.wsTail = []byte(`","upgrades":[]` + tail)
	return srv
}

// ServeHTTP routes an Engine.IO request: a handshake, a polling GET or
// POST, or a websocket. Checks follow the reference server's order.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodOptions {
		srv.opts.CORS.preflight(w, r)
		return
	}
	q := r.URL.Query()
	transport := q.Get("transport")
	if (transport != transportPolling && transport != transportWebsocket) || !srv.opts.allows(transport) {
		errUnknownTransport.write(w)
		return
	}
	if !srv.opts.CORS.originAllowed(r) {
		errForbidden.write(w)
		return
	}
	if transport == transportPolling {
		srv.opts.CORS.setHeaders(w, r)
	}
	if sid := q.Get("sid"); sid != "" {
		srv.serveSession(w, r, sid, transport)
		return
	}
	if r.Method != http.MethodGet {
		errBadMethod.write(w)
		return
	}
	isWS := websocket.IsWebSocketUpgrade(r)
	if transport == transportWebsocket && !isWS {
		errBadRequest.write(w)
		return
	}
	if srv.opts.AllowRequest != nil {
		if err := srv.opts.AllowRequest(r); err != nil {
			httpError{4, http.StatusForbidden, err.Error()}.write(w)
			return
		}
	}
	if q.Get("EIO") != "4" {
		errBadVersion.write(w)
		return
	}
	if transport == transportWebsocket {
		srv.handshakeWebsocket(w, r)
		return
	}
	srv.handshakePolling(w, r)
}

// serveSession handles a request that names an existing session.
func (srv *Server) serveSession(w http.ResponseWriter, r *http.Request, sid, transport string) {
	s := srv.lookup(sid)
	if s == nil || s.gone() {
		errUnknownSID.write(w)
		return
	}
	if transport == transportWebsocket {
		if !websocket.IsWebSocketUpgrade(r) {
			errBadRequest.write(w)
			return
		}
		s.handleUpgrade(w, r)
		return
	}
	s.settleProbe()
	switch r.Method {
	case http.MethodGet:
		s.handleGet(w, r)
	case http.MethodPost:
		s.handlePost(w, r)
	default:
		errBadRequest.write(w)
	}
}

func (srv *Server) lookup(sid string) *Session {
	srv.mu.RLock()
	s := srv.sessions[sid]
	srv.mu.RUnlock()
	return s
}

// newSession registers a session; nil when the server is shutting down.
func (srv *Server) newSession(r *http.Request, transport string) *Session {
	s := newSession(srv, newSID(), r, transport)
	srv.mu.Lock()
	if srv.shutdown {
		srv.mu.Unlock()
		return nil
	}
	srv.sessions[s.id] = s
	srv.live.Add(1)
	srv.mu.Unlock()
	return s
}

func (srv *Server) remove(s *Session) {
	srv.mu.Lock()
	delete(srv.sessions, s.id)
	srv.mu.Unlock()
	srv.live.Done()
}

func (srv *Server) handshakePolling(w http.ResponseWriter, r *http.Request) {
	s := srv.newSession(r, transportPolling)
	if s == nil {
		errBadRequest.write(w)
		return
	}
	srv.setCookie(w, s)
	body := srv.appendOpen(make([]byte, 0, 160), s.id, false)
	s.start(srv.open(s))
	writePollingBody(w, body)
}

func (srv *Server) handshakeWebsocket(w http.ResponseWriter, r *http.Request) {
	var hdr http.Header
	sid := newSID()
	if srv.opts.Cookie != nil {
		hdr = http.Header{}
		c := *srv.opts.Cookie
		c.Value = sid
		hdr.Add("Set-Cookie", c.String())
	}
	wc, err := srv.upgrader.Upgrade(w, r, hdr)
	if err != nil {
		return // the upgrader answered the request
	}
	conn := wc.NetConn() // gorilla did the handshake; frames are ours
	s := newSession(srv, sid, r, transportWebsocket)
	srv.mu.Lock()
	if srv.shutdown {
		srv.mu.Unlock()
		conn.Close()
		return
	}
	srv.sessions[s.id] = s
	srv.live.Add(1)
	srv.mu.Unlock()
	s.attachWebsocket(conn, nil) // the poller lends one while it reads
	open := Packet{Type: Open, Data: srv.appendOpen(nil, s.id, true)[1:]}
	s.queue, s.queued = append(s.queue, open), open.encodedLen()
	s.start(srv.open(s))
	s.mu.Lock()
	s.kickLocked()
	s.mu.Unlock()
	srv.startReading(s, conn, nil, false)
}

// readerAfterMessages is how many messages a websocket read through the
// poller sends before it may get a reader goroutine of its own: the
// namespace CONNECT is the first, so a client that connects and then only
// listens stays on the poller and costs no goroutine.
const readerAfterMessages = 2

// startReading reads a websocket session's connection. A new websocket is
// read through the poller, and moves to a goroutine of its own once it is
// busy (see pollRead); an upgraded one (inline: its reader runs on the
// calling goroutine, the upgrade request's), which already sent messages,
// gets a goroutine while fewer than Options.ReaderGoroutines have one.
// Where there is no poller, every websocket gets a goroutine.
func (srv *Server) startReading(s *Session, conn net.Conn, rd *frameReader, inline bool) {
	if (!inline || !srv.reserveReader()) && srv.poller.register(s, conn) {
		return
	}
	if rd == nil {
		rd = &frameReader{limit: srv.opts.MaxPayload}
	}
	if !inline {
		srv.readers.Add(1)
		go srv.readOwn(s, conn, rd)
		return
	}
	srv.readOwn(s, conn, rd)
}

// reserveReader counts one more websocket read by a goroutine of its own,
// unless Options.ReaderGoroutines have one already.
func (srv *Server) reserveReader() bool {
	for {
		n := srv.readers.Load()
		if n >= int64(srv.opts.ReaderGoroutines) {
			return false
		}
		if srv.readers.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// readOwn reads s's websocket on the calling goroutine until it ends or
// hands its reading over to a new goroutine; the caller reserved the
// reader.
func (srv *Server) readOwn(s *Session, conn net.Conn, rd *frameReader) {
	r := srv.watch.add(s, conn, rd)
	if s.readWebsocket(r) {
		return // the new reader has the place and the registration
	}
	srv.watch.remove(r)
	srv.readers.Add(-1)
}

// appendOpen appends the open packet ("0{...}") for sid.
func (srv *Server) appendOpen(dst []byte, sid string, ws bool) []byte {
	dst = append(dst, `0{"sid":"`...)
	dst = append(dst, sid...)
	if ws {
		return append(dst, srv.wsTail...)
	}
	return append(dst, srv.openTail...)
}

func (srv *Server) setCookie(w http.ResponseWriter, s *Session) {
	if srv.opts.Cookie == nil {
		return
	}
	c := *srv.opts.Cookie
	c.Value = s.id
	http.SetCookie(w, &c)
}

// Len returns the number of open sessions.
func (srv *Server) Len() int {
	srv.mu.RLock()
	defer srv.mu.RUnlock()
	return len(srv.sessions)
}

// Shutdown refuses new sessions, closes every session with
// ReasonServerShutdown (flushing what is queued for it) and waits until
// all are gone or ctx ends.
func (srv *Server) Shutdown(ctx context.Context) error {
	srv.mu.Lock()
	srv.shutdown = true
	all := make([]*Session, 0, len(srv.sessions))
	for _, s := range srv.sessions {
		all = append(all, s)
	}
	srv.mu.Unlock()
	for _, s := range all {
		s.close(ReasonServerShutdown, true)
	}
	done := make(chan struct{})
	go func() { srv.live.Wait(); close(done) }()
	defer srv.poller.close()
	defer srv.workers.close()
	defer srv.hb.stop()
	defer srv.watch.stop()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		for _, s := range all {
			s.finalize()
		}
		<-done
		return ctx.Err()
	}
}

// newSID returns a URL-safe session id of 120 random bits.
func newSID() string {
	var b [15]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
