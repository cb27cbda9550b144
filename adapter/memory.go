package adapter

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/protocol"
)

// ErrUnsupported is returned by single-node adapters for ServerSideEmit.
// It wraps errors.ErrUnsupported (the standard library's) and
// errors.ErrAdapter.
var ErrUnsupported = fmt.Errorf("%w: %w", errors.ErrAdapter, errors.ErrUnsupported)

// Memory is the single-node adapter: rooms live in this process. It is the
// default, and multi-node adapters embed it for their local part.
//
// A socket's own room (its id) is implicit: it is not stored, and a room
// name that is the id of a local socket selects that socket.
type Memory struct {
	local Local
	watch roomWatcher   // local, when it watches rooms
	life  roomLifecycle // local, when it follows rooms being created and deleted

	mu    sync.RWMutex
	rooms map[string]map[string]Socket // room → members
	// The rooms each socket joined, in order: the first in first, the
	// others in more. Most sockets join one or two rooms, and a string per
	// socket is smaller than a slice header and its array.
	first map[string]string   // socket id → the first room it is in
	more  map[string][]string // socket id → the rooms after the first
}

var _ Adapter = (*Memory)(nil)

// NewMemory returns the in-memory adapter of local.
func NewMemory(local Local) *Memory {
	w, _ := local.(roomWatcher)
	l, _ := local.(roomLifecycle)
	return &Memory{
		local: local,
		watch: w,
		life:  l,
		rooms: make(map[string]map[string]Socket),
		first: make(map[string]string),
		more:  make(map[string][]string),
	}
}

// MemoryFactory is the Factory of the in-memory adapter.
func MemoryFactory(local Local) (Adapter, error) { return NewMemory(local), nil }

// Join adds the local socket id to rooms.
func (m *Memory) Join(id string, rooms ...string) {
	s := m.local.Socket(id)
	if s == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, room := range rooms {
		if room == id || m.joinedLocked(id, room) {
			continue
		}
		members := m.rooms[room]
		if members == nil {
			members = make(map[string]Socket)
			m.rooms[room] = members
			if m.life != nil {
				m.life.RoomCreated(room)
			}
		}
		members[id] = s
		if _, ok := m.first[id]; ok {
			m.more[id] = append(m.more[id], room)
		} else {
			m.first[id] = room
		}
		if m.watch != nil {
			m.watch.RoomJoined(room, id)
		}
	}
}

// Leave removes the local socket id from room.
func (m *Memory) Leave(id, room string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.joinedLocked(id, room) {
		return
	}
	m.removeLocked(id, room)
	more := m.more[id]
	if m.first[id] == room {
		if len(more) == 0 {
			delete(m.first, id)
			return
		}
		m.first[id] = more[0]
		room = more[0]
	}
	i := slices.Index(more, room)
	if more = slices.Delete(more, i, i+1); len(more) == 0 {
		delete(m.more, id)
	} else {
		m.more[id] = more
	}
}

// joinedLocked reports whether socket id joined room.
func (m *Memory) joinedLocked(id, room string) bool {
	first, ok := m.first[id]
	return ok && (first == room || slices.Contains(m.more[id], room))
}

// LeaveAll removes the local socket id from every room.
func (m *Memory) LeaveAll(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	first, ok := m.first[id]
	if !ok {
		return
	}
	m.removeLocked(id, first)
	for _, room := range m.more[id] {
		m.removeLocked(id, room)
	}
	delete(m.first, id)
	delete(m.more, id)
}

func (m *Memory) removeLocked(id, room string) {
	if m.watch != nil {
		m.watch.RoomLeft(room, id)
	}
	members := m.rooms[room]
	delete(members, id)
	if len(members) == 0 {
		delete(m.rooms, room)
		if m.life != nil {
			m.life.RoomDeleted(room)
		}
	}
}

// Rooms returns the rooms of the local socket id, its own room first.
func (m *Memory) Rooms(id string) []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	first, ok := m.first[id]
	if !ok {
		return []string{id}
	}
	more := m.more[id]
	return append(append(make([]string, 0, 2+len(more)), id, first), more...)
}

// Size returns how many rooms hold a local socket (own rooms not counted)
// and how many local sockets are in at least one room. Leak tests use it.
func (m *Memory) Size() (rooms, sockets int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.rooms), len(m.first)
}

// targetPool recycles the slices a broadcast collects its targets in, so
// that a broadcast allocates the same whatever the number of recipients.
var targetPool = sync.Pool{New: func() any { s := make([]Socket, 0, 64); return &s }}

// Select calls fn for every local socket that o selects. fn runs after the
// adapter's lock is released, so it may join, leave or disconnect.
func (m *Memory) Select(o Options, fn func(Socket)) {
	tp := targetPool.Get().(*[]Socket)
	targets := m.collect((*tp)[:0], o)
	for _, s := range targets {
		fn(s)
	}
	clear(targets)
	*tp = targets[:0]
	targetPool.Put(tp)
}

// collect appends the sockets o selects to dst, each once, under the read
// lock. It allocates nothing but dst's growth, whatever the number of rooms
// and recipients: a socket is skipped in a room when an earlier room of
// o.Rooms holds it too.
func (m *Memory) collect(dst []Socket, o Options) []Socket {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if len(o.Rooms) == 0 {
		m.local.Each(func(s Socket) {
			if !m.inAnyLocked(s.ID(), o.Except) {
				dst = append(dst, s)
			}
		})
		return dst
	}
	for i, room := range o.Rooms {
		earlier := o.Rooms[:i]
		if slices.Contains(earlier, room) {
			continue
		}
		// The own room of a local socket, besides whoever joined a room
		// of that name.
		if s := m.local.Socket(room); s != nil && !m.inAnyLocked(room, o.Except) && !m.inAnyLocked(room, earlier) {
			dst = append(dst, s)
		}
		for id, s := range m.rooms[room] {
			if !m.inAnyLocked(id, o.Except) && !m.inAnyLocked(id, earlier) {
				dst = append(dst, s)
			}
		}
	}
	return dst
}

// inAnyLocked reports whether socket id is in one of rooms, its own room
// included.
func (m *Memory) inAnyLocked(id string, rooms []string) bool {
	for _, room := range rooms {
		if room == id {
			return true
		}
		if _, in := m.rooms[room][id]; in {
			return true
		}
	}
	return false
}

// Broadcast encodes p once and delivers it to every selected local socket.
func (m *Memory) Broadcast(p *protocol.Packet, o Options) error {
	e := Encode(p)
	m.Select(o, func(s Socket) { s.Deliver(e, o.Volatile) })
	return nil
}

// BroadcastWithAck delivers p and reports the count and every ack to c.
func (m *Memory) BroadcastWithAck(p *protocol.Packet, o Options, c AckCollector) (int, error) {
	e := Encode(p)
	n := 0
	m.Select(o, func(s Socket) {
		s.ExpectAck(p.ID, c.Ack)
		s.Deliver(e, o.Volatile)
		n++
	})
	c.Count(n)
	return 1, nil
}

// FetchSockets describes the selected local sockets.
func (m *Memory) FetchSockets(_ context.Context, o Options) ([]SocketInfo, error) {
	var out []SocketInfo
	m.Select(o, func(s Socket) { out = append(out, s.Info()) })
	return out, nil
}

// AddSockets makes the selected local sockets join rooms.
func (m *Memory) AddSockets(o Options, rooms []string) error {
	m.Select(o, func(s Socket) { m.Join(s.ID(), rooms...) })
	return nil
}

// DelSockets makes the selected local sockets leave rooms.
func (m *Memory) DelSockets(o Options, rooms []string) error {
	m.Select(o, func(s Socket) {
		for _, r := range rooms {
			m.Leave(s.ID(), r)
		}
	})
	return nil
}

// DisconnectSockets disconnects the selected local sockets.
func (m *Memory) DisconnectSockets(o Options, closeConn bool) error {
	m.Select(o, func(s Socket) { s.Disconnect(closeConn) })
	return nil
}

// ServerSideEmit is not supported on a single node.
func (m *Memory) ServerSideEmit(string, []json.RawMessage) error { return ErrUnsupported }

// Close does nothing for the in-memory adapter.
func (m *Memory) Close() error { return nil }

// roomWatcher is a Local that wants to hear of room changes (the app's
// observers: metrics, the admin UI). It is called with the adapter's lock
// held and must not call back into the adapter.
type roomWatcher interface {
	RoomJoined(room, id string)
	RoomLeft(room, id string)
}

// roomLifecycle is a Local that wants to hear when a room gets its first
// local member and loses its last one, as Node's "create-room" and
// "delete-room" events: adapter/redissharded subscribes per room. Own
// rooms are not stored, so they are not reported. It is called with the
// adapter's lock held and must not block or call back into the adapter.
type roomLifecycle interface {
	RoomCreated(room string)
	RoomDeleted(room string)
}
