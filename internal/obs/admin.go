package obs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/namespace"
)

// Credentials is the auth payload the Admin UI sends with its CONNECT.
type Credentials struct {
	Username  string `json:"username"`
	Password  string `json:"password"`
	SessionID string `json:"sessionId"`
}

// AdminConfig configures NewAdmin; package admin fills it from its
// Options.
type AdminConfig struct {
	// Namespace is the admin namespace ("/admin").
	Namespace string
	// Login checks credentials; true issues a session id the UI keeps.
	// Nil means no login (Check decides alone).
	Login func(c Credentials) bool
	// Check is a user's own auth function; nil accepts (with no Login).
	Check func(s *namespace.Socket, auth json.RawMessage) error
	// Reject is the error a refused connection gets.
	Reject error
	// Development sends every socket, room and event to the UI.
	Development bool
	// ReadOnly refuses the UI's actions.
	ReadOnly bool
	// ServerID names this node (default: the host name).
	ServerID string
	// StatsInterval is the period of server_stats (default 2s).
	StatsInterval time.Duration
	// FlushInterval is the period of development-mode events (default
	// 100ms); MaxPending bounds them between flushes (default 10000): past
	// it events are dropped.
	FlushInterval time.Duration
	MaxPending    int
}

// maxSessions bounds the session ids kept; sessionTTL is their life.
const (
	maxSessions = 10000
	sessionTTL  = 24 * time.Hour
)

// Admin is the Admin UI observer behind package admin.
type Admin struct {
	cfg   AdminConfig
	host  Host
	ns    *adminNamespace
	start time.Time
	pid   int
	hostn string

	packetsIn, packetsOut, bytesIn, bytesOut, opened atomic.Int64

	mu       sync.Mutex
	closes   map[string]int       // reason → count since the last stats
	pending  []pendingEvent       // development mode, emitted at each flush
	dropped  int                  // pending events dropped since the last flush
	sessions map[string]time.Time // session id → expiry

	stop chan struct{}
	done chan struct{}
}

// pendingEvent is one development-mode event waiting for a flush.
type pendingEvent struct {
	name string
	args []any
}

var _ nsrt.Observer = (*Admin)(nil)

// NewAdmin returns the admin observer; Attach starts it.
func NewAdmin(c AdminConfig) *Admin {
	if c.Namespace == "" {
		c.Namespace = "/admin"
	}
	if c.StatsInterval <= 0 {
		c.StatsInterval = 2 * time.Second
	}
	if c.FlushInterval <= 0 {
		c.FlushInterval = 100 * time.Millisecond
	}
	if c.MaxPending <= 0 {
		c.MaxPending = 10000
	}
	hostn, _ := os.Hostname()
	if c.ServerID == "" {
		c.ServerID = hostn
	}
	return &Admin{cfg: c, hostn: hostn, pid: os.Getpid(), closes: make(map[string]int),
		sessions: make(map[string]time.Time)}
}

// Attach registers the admin namespace on the app and starts the stats
// loop, which Close stops.
func (a *Admin) Attach(h Host) error {
	a.host = h
	a.ns = &adminNamespace{a: a}
	if err := h.Register(a.ns, a.cfg.Namespace); err != nil {
		return err
	}
	a.start = time.Now()
	a.stop, a.done = make(chan struct{}), make(chan struct{})
	go a.loop()
	return nil
}

// Close stops the stats loop.
func (a *Admin) Close() {
	if a.stop == nil {
		return
	}
	select {
	case <-a.stop:
	default:
		close(a.stop)
	}
	<-a.done
}

// loop emits server_stats and, in development mode, the pending events.
func (a *Admin) loop() {
	defer close(a.done)
	stats := time.NewTicker(a.cfg.StatsInterval)
	defer stats.Stop()
	flush := time.NewTicker(a.cfg.FlushInterval)
	defer flush.Stop()
	a.emitStats()
	for {
		select {
		case <-a.stop:
			return
		case <-stats.C:
			a.emitStats()
		case <-flush.C:
			a.flush()
		}
	}
}

// flush emits the pending development-mode events, in order.
func (a *Admin) flush() {
	a.mu.Lock()
	events, dropped := a.pending, a.dropped
	a.pending, a.dropped = nil, 0
	a.mu.Unlock()
	for _, e := range events {
		a.ns.Emit(e.name, e.args...)
	}
	if dropped > 0 && a.host.Logf != nil {
		a.host.Logf("socketeer/admin: %d development-mode events dropped (more than %d in %v)", dropped, a.cfg.MaxPending, a.cfg.FlushInterval)
	}
}

// queue adds a development-mode event for the next flush.
func (a *Admin) queue(name string, args ...any) {
	a.mu.Lock()
	if len(a.pending) < a.cfg.MaxPending {
		a.pending = append(a.pending, pendingEvent{name, args})
	} else {
		a.dropped++
	}
	a.mu.Unlock()
}

// namespaceDetails is one entry of server_stats.namespaces.
type namespaceDetails struct {
	Name         string `json:"name"`
	SocketsCount int    `json:"socketsCount"`
}

// aggregated is one entry of server_stats.aggregatedEvents.
type aggregated struct {
	Timestamp int64  `json:"timestamp"`
	Type      string `json:"type"`
	SubType   string `json:"subType,omitempty"`
	Count     int64  `json:"count"`
}

// ServerStats is the payload of server_stats.
type ServerStats struct {
	ServerID            string             `json:"serverId"`
	Hostname            string             `json:"hostname"`
	PID                 int                `json:"pid"`
	Uptime              float64            `json:"uptime"`
	ClientsCount        int                `json:"clientsCount"`
	PollingClientsCount int                `json:"pollingClientsCount"`
	AggregatedEvents    []aggregated       `json:"aggregatedEvents"`
	Namespaces          []namespaceDetails `json:"namespaces"`
}

// Stats returns this node's stats and clears the aggregated events.
func (a *Admin) Stats() ServerStats {
	now := time.Now().Truncate(time.Second).UnixMilli()
	st := ServerStats{ServerID: a.cfg.ServerID, Hostname: a.hostn, PID: a.pid,
		Uptime: time.Since(a.start).Seconds(), ClientsCount: a.host.Clients(),
		PollingClientsCount: a.host.Transports()["polling"], AggregatedEvents: []aggregated{}}
	for _, c := range []struct {
		typ string
		n   *atomic.Int64
	}{{"rawConnection", &a.opened}, {"packetsIn", &a.packetsIn}, {"packetsOut", &a.packetsOut},
		{"bytesIn", &a.bytesIn}, {"bytesOut", &a.bytesOut}} {
		if n := c.n.Swap(0); n > 0 {
			st.AggregatedEvents = append(st.AggregatedEvents, aggregated{Timestamp: now, Type: c.typ, Count: n})
		}
	}
	a.mu.Lock()
	for reason, n := range a.closes {
		st.AggregatedEvents = append(st.AggregatedEvents, aggregated{Timestamp: now, Type: "rawDisconnection", SubType: reason, Count: int64(n)})
	}
	clear(a.closes)
	a.mu.Unlock()
	for _, ns := range a.host.Namespaces() {
		st.Namespaces = append(st.Namespaces, namespaceDetails{Name: ns.Name(), SocketsCount: ns.Len()})
	}
	return st
}

// emitStats sends this node's stats to every admin socket of the cluster.
func (a *Admin) emitStats() { a.ns.Emit("server_stats", a.Stats()) }

// The nsrt.Observer hooks: production mode only counts; development mode
// queues one admin event per hook, never more than MaxPending per flush.

func (a *Admin) SessionOpened() { a.opened.Add(1) }

func (a *Admin) SessionClosed(reason string) {
	a.mu.Lock()
	a.closes[reason]++
	a.mu.Unlock()
}

func (a *Admin) Bytes(in bool, n int) {
	if in {
		a.packetsIn.Add(1)
		a.bytesIn.Add(int64(n))
	} else {
		a.packetsOut.Add(1)
		a.bytesOut.Add(int64(n))
	}
}

func (a *Admin) Connected(s *nsrt.Socket) {
	if !a.cfg.Development {
		return
	}
	meta := map[string]string{"clientId": clientID(s.EngineID()), "transport": s.Transport()}
	s.Set(adminKey, meta)
	a.queue("socket_connected", serialize(s.Info(), s.Runtime().Name(), meta), time.Now())
}

func (a *Admin) Disconnected(s *nsrt.Socket, reason string) {
	if a.cfg.Development {
		a.queue("socket_disconnected", s.Runtime().Name(), s.ID(), reason, time.Now())
	}
}

func (a *Admin) Received(s *nsrt.Socket, event string, args []json.RawMessage) {
	if !a.cfg.Development || s.Runtime().Name() == a.cfg.Namespace {
		return
	}
	all := make([]json.RawMessage, 0, len(args)+1)
	name, _ := json.Marshal(event)
	all = append(all, name)
	for _, arg := range args {
		all = append(all, append(json.RawMessage(nil), arg...)) // args alias the read buffer
	}
	a.queue("event_received", s.Runtime().Name(), s.ID(), all, time.Now())
}

func (a *Admin) Sent(nsp, sid string, data []byte) {
	if !a.cfg.Development || sid == "" || nsp == a.cfg.Namespace {
		return // broadcasts are not reported, as in Node's onAnyOutgoing
	}
	a.queue("event_sent", nsp, sid, json.RawMessage(append([]byte(nil), data...)), time.Now())
}

func (a *Admin) RoomJoined(nsp, room, id string) {
	if a.cfg.Development {
		a.queue("room_joined", nsp, room, id, time.Now())
	}
}

func (a *Admin) RoomLeft(nsp, room, id string) {
	if a.cfg.Development {
		a.queue("room_left", nsp, room, id, time.Now())
	}
}

func (a *Admin) Handled(string, string, time.Duration, error) {}

func (a *Admin) AckTimeout(string) {}

func (a *Admin) Recovery(string, bool) {}

func (a *Admin) AdapterError(string, string) {}

// adminKey is the socket data key holding what the UI shows of a socket's
// connection, so that FetchSockets reports it from other nodes too.
const adminKey = "_admin"

// clientID is the part of an Engine.IO id the UI shows (Node's too).
func clientID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// serializedSocket is a socket as the UI gets it.
type serializedSocket struct {
	ID        string         `json:"id"`
	ClientID  string         `json:"clientId"`
	Transport string         `json:"transport"`
	Nsp       string         `json:"nsp"`
	Data      map[string]any `json:"data"`
	Handshake handshake      `json:"handshake"`
	Rooms     []string       `json:"rooms"`
}

type handshake struct {
	Address string            `json:"address"`
	Headers map[string]string `json:"headers"`
	Query   map[string]string `json:"query"`
	Issued  int64             `json:"issued"`
	Secure  bool              `json:"secure"`
	Time    string            `json:"time"`
	URL     string            `json:"url"`
	XDomain bool              `json:"xdomain"`
}

// serialize describes a socket for the UI; meta is its _admin data.
func serialize(info adapter.SocketInfo, nsp string, meta map[string]string) serializedSocket {
	hs := info.Handshake
	h := handshake{Address: hs.Address, Headers: map[string]string{}, Query: map[string]string{},
		Issued: hs.Time.UnixMilli(), Secure: hs.Secure, Time: hs.Time.UTC().Format(time.RFC1123), URL: hs.URL}
	for k, v := range hs.Header {
		h.Headers[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	for k, v := range hs.Query {
		if len(v) > 0 {
			h.Query[k] = v[0]
		}
	}
	if f := h.Headers["x-forwarded-for"]; f != "" {
		h.Address = f
	}
	h.XDomain = h.Headers["origin"] != ""
	data := map[string]any{}
	for k, v := range info.Data {
		if k != adminKey {
			data[k] = v
		}
	}
	rooms := info.Rooms
	if rooms == nil {
		rooms = []string{}
	}
	return serializedSocket{ID: info.ID, ClientID: meta["clientId"], Transport: meta["transport"], Nsp: nsp,
		Data: data, Handshake: h, Rooms: rooms}
}

// metaOf reads the _admin data of a socket reported by FetchSockets.
func metaOf(info adapter.SocketInfo) map[string]string {
	out := map[string]string{}
	switch m := info.Data[adminKey].(type) {
	case map[string]string:
		return m
	case map[string]any: // decoded from another node
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
	}
	return out
}

// allSockets describes every socket of every namespace, on every node.
func (a *Admin) allSockets(ctx context.Context) []serializedSocket {
	out := []serializedSocket{}
	for _, ns := range a.host.Namespaces() {
		infos, err := ns.FetchSockets(ctx)
		if err != nil && a.host.Logf != nil {
			a.host.Logf("socketeer/admin: sockets of %s: %v", ns.Name(), err)
		}
		for _, info := range infos {
			meta := metaOf(info)
			if s := ns.Socket(info.ID); s != nil { // local: its transport now
				meta = map[string]string{"clientId": clientID(s.EngineID()), "transport": (*nsrt.Socket)(s).Transport()}
			}
			out = append(out, serialize(info, ns.Name(), meta))
		}
	}
	return out
}

// newSession stores and returns a new session id.
func (a *Admin) newSession() string {
	var b [8]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.sessions) >= maxSessions {
		for k, exp := range a.sessions {
			if now.After(exp) || len(a.sessions) >= maxSessions {
				delete(a.sessions, k)
			}
		}
	}
	a.sessions[id] = now.Add(sessionTTL)
	return id
}

// validSession reports whether id is a live session id.
func (a *Admin) validSession(id string) bool {
	if id == "" {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	exp, ok := a.sessions[id]
	return ok && time.Now().Before(exp)
}

// features lists what the UI may do.
func (a *Admin) features() []string {
	var f []string
	if !a.cfg.ReadOnly {
		f = append(f, "EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT")
	}
	f = append(f, "AGGREGATED_EVENTS")
	if a.cfg.Development {
		f = append(f, "ALL_EVENTS")
	}
	return f
}

// namespaceOf returns the app's namespace named nsp.
func (a *Admin) namespaceOf(nsp string) *namespace.Namespace {
	for _, ns := range a.host.Namespaces() {
		if ns.Name() == nsp {
			return ns
		}
	}
	return nil
}
