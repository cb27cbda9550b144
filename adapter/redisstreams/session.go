package redisstreams

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/internal/clusteradapter"
	"github.com/socketeer/socketeer/internal/recovery"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/protocol"
)

// session is a saved session as Node's adapter stores it: msgpack, then
// base64, under SessionKeyPrefix + pid.
type session struct {
	SID   string         `msgpack:"sid"`
	PID   string         `msgpack:"pid"`
	Rooms []string       `msgpack:"rooms"`
	Data  map[string]any `msgpack:"data"`
}

// xrangePage is how many entries one XRANGE of a restore reads.
const xrangePage = 1000

// expiryMargin is how long before the end of its window the node that
// saved a session checks whether it was recovered (for OnExpired); the key
// itself lives the whole window, as Node sets it.
func expiryMargin(window time.Duration) time.Duration { return min(window/10, time.Second) }

// EnableRecovery switches offsets and sessions on; the runtime calls it
// once, before any socket connects.
func (a *nsAdapter) EnableRecovery(o recovery.Options) {
	o.Defaults()
	a.rec.Store(&o)
}

func (a *nsAdapter) key(pid string) string { return a.opts.SessionKeyPrefix + pid }

// Persist saves s in Redis for the window (SET PX), where any node can
// restore it. With OnExpired set, this node checks near the window's end
// whether it was recovered.
func (a *nsAdapter) Persist(s recovery.Session) {
	o := a.rec.Load()
	if o == nil {
		return
	}
	data, err := jsonData(s.Data)
	if err == nil {
		var b []byte
		b, err = rediswire.MarshalMsgpack(session{SID: s.SID, PID: s.PID, Rooms: s.Rooms, Data: data})
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), a.opts.RequestsTimeout)
			err = a.c.client.Set(ctx, a.key(s.PID), base64.StdEncoding.EncodeToString(b), o.Window).Err()
			cancel()
		}
	}
	if err != nil {
		o.Logf("socketeer: %s: connection state recovery: saving the session of socket %s: %v", a.Name(), s.SID, err)
		return
	}
	if o.OnExpired != nil {
		pid := s.PID
		t := time.AfterFunc(o.Window-expiryMargin(o.Window), func() { a.checkExpired(pid) })
		if old, ok := a.timers.Swap(pid, t); ok {
			old.(*time.Timer).Stop()
		}
	}
}

// jsonData returns the socket's data as JSON values, the form every node
// (Go or Node) reads back.
func jsonData(d map[string]any) (map[string]any, error) {
	if len(d) == 0 {
		return map[string]any{}, nil
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	v, err := rediswire.FromJSON(raw)
	m, _ := v.(map[string]any)
	return m, err
}

// checkExpired takes the session pid out of Redis when no node recovered
// it, and tells the app.
func (a *nsAdapter) checkExpired(pid string) {
	a.timers.Delete(pid)
	s, err := a.take(pid)
	if err != nil || s == nil {
		return
	}
	a.expired(s.SID, s.Data)
}

func (a *nsAdapter) expired(sid string, data map[string]any) {
	o := a.rec.Load()
	if o == nil || o.OnExpired == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			o.Logf("socketeer: %s: OnRecoveryExpired(%s) panicked: %v", a.Name(), sid, v)
		}
	}()
	o.OnExpired(sid, data)
}

// Ended runs OnExpired, on its own goroutine, for a recovered socket that
// the connect chain refused.
func (a *nsAdapter) Ended(sid string, data map[string]any) { go a.expired(sid, data) }

func (a *nsAdapter) stopTimers() {
	a.timers.Range(func(k, v any) bool {
		v.(*time.Timer).Stop()
		a.timers.Delete(k)
		return true
	})
}

// take reads and deletes the session pid in one transaction (GET and DEL
// in MULTI, as Node does for Redis before 6.2); nil when there is none.
func (a *nsAdapter) take(pid string) (*session, error) {
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.RequestsTimeout)
	defer cancel()
	var get *redis.StringCmd
	_, err := a.c.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		get = p.Get(ctx, a.key(pid))
		p.Del(ctx, a.key(pid))
		return nil
	})
	if err == redis.Nil {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(get.Val())
	if err != nil {
		return nil, err
	}
	var s session
	if err := msgpack.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// offsetPattern is what Node accepts as an offset.
var offsetPattern = regexp.MustCompile(`^[0-9]+-[0-9]+$`)

// Restore takes the session pid out of Redis and, when the stream still
// holds offset, gives attach the session and the packets its client
// missed since: the broadcasts of this namespace after offset whose rooms
// select the session, up to Recovery.MaxPackets and MaxBytes. It runs with
// the namespace's broadcasts and the reader held, so that every packet
// reaches the socket once; see the order field. A taken session that
// cannot be recovered is gone, and OnExpired runs for it.
func (a *nsAdapter) Restore(pid, offset string, attach func(s recovery.Session, missed []*adapter.Encoded)) bool {
	o := a.rec.Load()
	from, ok := parseID(offset)
	if o == nil || !ok || !offsetPattern.MatchString(offset) {
		return false
	}
	if t, ok := a.timers.LoadAndDelete(pid); ok {
		t.(*time.Timer).Stop()
	}
	s, err := a.take(pid)
	if err != nil || s == nil {
		if err != nil {
			o.Logf("socketeer: %s: connection state recovery: reading session %s: %v", a.Name(), pid, err)
		}
		return false
	}
	data, err := restoredData(s.Data)
	if err == nil {
		a.order.Lock()
		var missed []*adapter.Encoded
		if missed, err = a.missed(s.Rooms, from); err == nil {
			attach(recovery.Session{SID: s.SID, PID: s.PID, Rooms: s.Rooms, Data: data}, missed)
		}
		a.order.Unlock()
	}
	if err != nil {
		o.Logf("socketeer: %s: connection state recovery of socket %s refused: %v", a.Name(), s.SID, err)
		go a.expired(s.SID, data)
		return false
	}
	return true
}

// restoredData returns the saved data as JSON values (float64 numbers),
// as a Go handler gets values that crossed nodes.
func restoredData(d map[string]any) (map[string]any, error) {
	out := map[string]any{}
	if len(d) == 0 {
		return out, nil
	}
	raw, err := rediswire.ToJSON(d)
	if err != nil {
		return out, err
	}
	return out, json.Unmarshal(raw, &out)
}

// missed returns the broadcasts after from that a session in rooms
// missed; a.order is held for writing. Entries of other nodes count up to
// the last one the reader applied (later ones will reach the socket live);
// this node's own count whatever their id, as they were delivered when
// published, before the socket was back.
func (a *nsAdapter) missed(rooms []string, from streamID) ([]*adapter.Encoded, error) {
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.RequestsTimeout)
	defer cancel()
	o := a.rec.Load()
	if n, err := a.c.client.XRange(ctx, a.opts.StreamName, from.String(), from.String()).Result(); err != nil || len(n) == 0 {
		if err == nil {
			err = fmt.Errorf("offset %s is no longer in stream %s (Options.MaxLen)", from, a.opts.StreamName)
		}
		return nil, err
	}
	applied := a.appliedID()
	var out []*adapter.Encoded
	bytes := 0
	for start := from.next(); ; {
		entries, err := a.c.client.XRangeN(ctx, a.opts.StreamName, start.String(), "+", xrangePage).Result()
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			id, _ := parseID(e.ID)
			start = id.next()
			en, err := a.missedEntry(e, id, applied, rooms)
			if err != nil || en == nil {
				continue
			}
			out = append(out, en)
			bytes += len(en.Text)
			for _, b := range en.Attachments {
				bytes += len(b)
			}
			if len(out) > o.MaxPackets {
				return nil, fmt.Errorf("it missed more than %d packets (Recovery.MaxPackets)", o.MaxPackets)
			}
			if bytes > o.MaxBytes {
				return nil, fmt.Errorf("it missed more than %d bytes (Recovery.MaxBytes)", o.MaxBytes)
			}
		}
		if len(entries) < xrangePage {
			return out, nil
		}
	}
}

// missedEntry returns the packet of e, with its id as offset, when it is
// a broadcast of this namespace that selects rooms and that the socket did
// not get live; nil otherwise.
func (a *nsAdapter) missedEntry(e redis.XMessage, id, applied streamID, rooms []string) (*adapter.Encoded, error) {
	if nsp, _ := e.Values["nsp"].(string); nsp != a.Name() {
		return nil, nil
	}
	if t, _ := e.Values["type"].(string); t != "3" {
		return nil, nil
	}
	if uid, _ := e.Values["uid"].(string); uid != a.UID() && id.after(applied) {
		return nil, nil
	}
	m, err := decodeEntry(e.Values)
	if err != nil || m.Data == nil || m.Data.Opts == nil || m.Data.Opts.Volatile() {
		return nil, err // volatile events are not kept, as on one node
	}
	if !recovery.Includes(rooms, m.Data.Opts.Rooms, m.Data.Opts.Except) {
		return nil, nil
	}
	pk, err := clusteradapter.PacketOf(m.Data.Packet)
	if err != nil {
		return nil, err
	}
	p, err := rediswire.ToPacket(a.Name(), protocol.NoID, append(pk.Data, e.ID))
	if err != nil {
		return nil, err
	}
	return adapter.Encode(p), nil
}
