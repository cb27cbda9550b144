// Package recovery is connection state recovery on one node: it wraps the
// in-memory adapter, stamps an offset on every broadcast that is neither
// volatile nor waiting for acks, keeps those packets for a window, keeps
// the state (id, rooms, data) of sockets that lost their connection, and
// gives a reconnecting client its socket back with the packets it missed.
//
// It mirrors socket.io-adapter's SessionAwareAdapter, with bounds Node's
// lacks: a cap per session in packets and bytes, checked when the session
// asks to be restored, and a global cap in bytes on the packet log.
package recovery

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/protocol"
)

// Defaults of Options.
const (
	DefaultWindow        = 2 * time.Minute
	DefaultMaxPackets    = 10_000
	DefaultMaxBytes      = 8 << 20
	DefaultMaxTotalBytes = 64 << 20
)

// entryOverhead is what one log entry costs besides its packet's bytes,
// counted against the byte caps so that they bound memory honestly.
const entryOverhead = 128

// Options configures an Adapter; zero fields mean their defaults.
type Options struct {
	// Window is how long a disconnected socket's state and the packets
	// sent meanwhile are kept.
	Window time.Duration
	// MaxPackets and MaxBytes cap what one session may have missed; a
	// session over either is refused recovery.
	MaxPackets int
	MaxBytes   int
	// MaxTotalBytes caps the packet log; the oldest packets go first, and
	// a session that missed one of them is refused recovery.
	MaxTotalBytes int
	// Logf receives a line for each refused recovery and each time the
	// global cap starts evicting.
	Logf func(format string, args ...any)
	// OnExpired is called, on its own goroutine, for each session that
	// will not be recovered: its window passed or its recovery was refused.
	OnExpired func(sid string, data map[string]any)
}

func (o *Options) defaults() {
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.MaxPackets <= 0 {
		o.MaxPackets = DefaultMaxPackets
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxTotalBytes <= 0 {
		o.MaxTotalBytes = DefaultMaxTotalBytes
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
}

// Session is the state of a socket that lost its connection.
type Session struct {
	SID   string
	PID   string
	Rooms []string // its own room included
	Data  map[string]any
}

// saved is a kept session.
type saved struct {
	Session
	at    time.Time
	timer *time.Timer
}

// entry is one logged packet.
type entry struct {
	seq    uint64
	at     time.Duration // since Adapter.base, on the monotonic clock
	rooms  []string
	except []string
	e      *adapter.Encoded
	size   int
}

// Adapter is the in-memory adapter with recovery. Every method is safe for
// concurrent use.
type Adapter struct {
	*adapter.Memory
	name string
	o    Options
	base time.Time // the origin of entry.at

	mu       sync.Mutex
	log      []entry // log[head:] are kept, in seq order
	head     int
	next     uint64 // seq of the next packet; log[head].seq is the first kept
	bytes    int
	evicting bool
	sessions map[string]*saved // by pid
	closed   bool
}

var _ adapter.Adapter = (*Adapter)(nil)

// New wraps m, the in-memory adapter of namespace name.
func New(m *adapter.Memory, name string, o Options) *Adapter {
	o.defaults()
	return &Adapter{Memory: m, name: name, o: o, base: time.Now(), next: 1, sessions: make(map[string]*saved)}
}

// Window returns how long sessions are kept.
func (a *Adapter) Window() time.Duration { return a.o.Window }

// targetPool recycles the slices a broadcast collects its targets in.
var targetPool = sync.Pool{New: func() any { s := make([]adapter.Socket, 0, 64); return &s }}

// Broadcast delivers p like the in-memory adapter; an EVENT without ack id
// that is not volatile gets an offset as its last argument and is logged.
// Stamping, logging and choosing the targets happen under one lock, which
// Restore takes too: a restored socket gets each packet exactly once,
// either among the missed ones or live.
func (a *Adapter) Broadcast(p *protocol.Packet, o adapter.Options) error {
	if o.Volatile || p.ID != protocol.NoID || (p.Type != protocol.Event && p.Type != protocol.BinaryEvent) {
		return a.Memory.Broadcast(p, o)
	}
	tp := targetPool.Get().(*[]adapter.Socket)
	targets := (*tp)[:0]
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		targetPool.Put(tp)
		return a.Memory.Broadcast(p, o)
	}
	seq := a.next
	a.next++
	var off [16]byte
	stamped := *p
	stamped.Data = AppendOffset(p.Data, strconv.AppendUint(off[:0], seq, 36))
	e := adapter.Encode(&stamped)
	a.appendLocked(entry{seq: seq, at: time.Since(a.base), rooms: o.Rooms, except: o.Except, e: e,
		size: entryOverhead + size(e)})
	a.Memory.Select(o, func(s adapter.Socket) { targets = append(targets, s) })
	a.mu.Unlock()
	for _, s := range targets {
		s.Deliver(e, false)
	}
	clear(targets)
	*tp = targets[:0]
	targetPool.Put(tp)
	return nil
}

// size is the bytes of an encoded packet.
func size(e *adapter.Encoded) int {
	n := len(e.Text)
	for _, b := range e.Attachments {
		n += len(b)
	}
	return n
}

// AppendOffset returns the JSON array data with off appended as a last
// string element: `["ev",1]` becomes `["ev",1,"off"]`. off must need no
// escaping. The result is a new slice.
func AppendOffset(data, off []byte) []byte {
	n := len(data)
	for n > 0 && data[n-1] != ']' {
		n--
	}
	if n == 0 {
		return data
	}
	out := make([]byte, 0, n+len(off)+3)
	out = append(out, data[:n-1]...)
	if n > 2 { // not an empty array
		out = append(out, ',')
	}
	out = append(out, '"')
	out = append(out, off...)
	return append(out, '"', ']')
}

// appendLocked logs en, then drops what the window and the global cap no
// longer keep.
func (a *Adapter) appendLocked(en entry) {
	a.log = append(a.log, en)
	a.bytes += en.size
	a.trimLocked(en.at)
}

// trimLocked drops the packets older than the window, then the oldest
// while the log is over the global cap. now is time.Since(a.base).
func (a *Adapter) trimLocked(now time.Duration) {
	cutoff := now - a.o.Window
	for a.head < len(a.log) && a.log[a.head].at < cutoff {
		a.dropFirstLocked()
	}
	over := a.bytes > a.o.MaxTotalBytes
	if over && !a.evicting {
		a.o.Logf("socketeer: %s: connection state recovery: the packet log reached its cap of %d bytes (Recovery.MaxTotalBytes); the oldest packets are dropped, and sessions that missed them will not recover", a.name, a.o.MaxTotalBytes)
	}
	a.evicting = over
	for a.bytes > a.o.MaxTotalBytes && a.head < len(a.log) {
		a.dropFirstLocked()
	}
	if a.head > 64 && a.head > len(a.log)/2 {
		n := copy(a.log, a.log[a.head:])
		clear(a.log[n:])
		a.log = a.log[:n]
		a.head = 0
	}
}

func (a *Adapter) dropFirstLocked() {
	a.bytes -= a.log[a.head].size
	a.log[a.head] = entry{}
	a.head++
}

// Stats returns the number of packets and bytes in the log and the number
// of sessions kept.
func (a *Adapter) Stats() (packets, bytes, sessions int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.log) - a.head, a.bytes, len(a.sessions)
}

// Persist keeps s for the window. It is called when a socket lost its
// connection for a reason that allows recovery.
func (a *Adapter) Persist(s Session) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return
	}
	if old := a.sessions[s.PID]; old != nil {
		old.timer.Stop()
	}
	sv := &saved{Session: s, at: time.Now()}
	sv.timer = time.AfterFunc(a.o.Window, func() { a.expire(sv) })
	a.sessions[s.PID] = sv
	a.trimLocked(time.Since(a.base))
}

// expire ends sv once its window passed, unless it was restored first.
func (a *Adapter) expire(sv *saved) {
	a.mu.Lock()
	mine := a.sessions[sv.PID] == sv
	if mine {
		delete(a.sessions, sv.PID)
		a.trimLocked(time.Since(a.base))
	}
	a.mu.Unlock()
	if mine {
		a.expired(sv)
	}
}

// expired tells the app that sv will not be recovered.
func (a *Adapter) expired(sv *saved) {
	if a.o.OnExpired == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			a.o.Logf("socketeer: %s: OnRecoveryExpired(%s) panicked: %v", a.name, sv.SID, v)
		}
	}()
	a.o.OnExpired(sv.SID, sv.Data)
}

// Ended tells the app, through OnExpired on its own goroutine, that the
// socket sid, recovered, was then refused (by middleware or OnConnect):
// its session is over for good, like one whose window passed.
func (a *Adapter) Ended(sid string, data map[string]any) {
	go a.expired(&saved{Session: Session{SID: sid, Data: data}})
}

// Restore looks for the session pid, whose client last got the packet at
// offset. When it can be recovered, attach runs, under the lock that
// broadcasts take, with the session and the packets it missed, in order:
// attach registers the socket and joins its rooms, so that every later
// broadcast reaches it live. Restore reports whether attach ran. A session
// is restored once; a refused one is gone, and OnExpired runs for it.
func (a *Adapter) Restore(pid, offset string, attach func(s Session, missed []*adapter.Encoded)) bool {
	a.mu.Lock()
	sv := a.sessions[pid]
	if sv == nil || a.closed {
		a.mu.Unlock()
		return false
	}
	delete(a.sessions, pid)
	sv.timer.Stop()
	missed, err := a.missedLocked(sv, offset)
	if err == nil {
		attach(sv.Session, missed)
	}
	a.mu.Unlock()
	if err != nil {
		a.o.Logf("socketeer: %s: connection state recovery of socket %s refused: %v", a.name, sv.SID, err)
		go a.expired(sv)
		return false
	}
	return true
}

// missedLocked returns the packets sv's client has not got since offset.
func (a *Adapter) missedLocked(sv *saved, offset string) ([]*adapter.Encoded, error) {
	if time.Since(sv.at) > a.o.Window {
		return nil, fmt.Errorf("its window of %v passed", a.o.Window)
	}
	seq, err := strconv.ParseUint(offset, 36, 64)
	if err != nil || seq >= a.next {
		return nil, fmt.Errorf("unknown offset %q", offset)
	}
	first := a.next
	if a.head < len(a.log) {
		first = a.log[a.head].seq
	}
	if seq+1 < first {
		return nil, fmt.Errorf("packets it missed were dropped from the log (Recovery.MaxTotalBytes)")
	}
	var missed []*adapter.Encoded
	bytes := 0
	for i := a.head + int(seq+1-first); i < len(a.log); i++ {
		en := &a.log[i]
		if !includes(sv.Rooms, en.rooms, en.except) {
			continue
		}
		missed = append(missed, en.e)
		bytes += en.size
		if len(missed) > a.o.MaxPackets {
			return nil, fmt.Errorf("it missed more than %d packets (Recovery.MaxPackets)", a.o.MaxPackets)
		}
		if bytes > a.o.MaxBytes {
			return nil, fmt.Errorf("it missed more than %d bytes (Recovery.MaxBytes)", a.o.MaxBytes)
		}
	}
	return missed, nil
}

// includes reports whether a socket in rooms was selected by a broadcast
// to to (every socket when empty) except except, as socket.io-adapter's
// shouldIncludePacket does.
func includes(rooms, to, except []string) bool {
	in := len(to) == 0
	for _, r := range rooms {
		for _, x := range except {
			if r == x {
				return false
			}
		}
		for _, t := range to {
			if r == t {
				in = true
			}
		}
	}
	return in
}

// Close drops every session and packet, stops the timers and closes the
// in-memory adapter.
func (a *Adapter) Close() error {
	a.mu.Lock()
	a.closed = true
	for _, sv := range a.sessions {
		sv.timer.Stop()
	}
	a.sessions = nil
	a.log, a.head, a.bytes = nil, 0, 0
	a.mu.Unlock()
	return a.Memory.Close()
}
