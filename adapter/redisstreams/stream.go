package redisstreams

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/socketeer/socketeer/internal/clusteradapter"
	"github.com/socketeer/socketeer/internal/rediswire"
)

// streamID is a stream entry id, "ms-seq".
type streamID struct{ ms, seq uint64 }

// parseID parses a stream entry id; ok is false when s is not one.
func parseID(s string) (streamID, bool) {
	ms, seq, found := strings.Cut(s, "-")
	if !found {
		return streamID{}, false
	}
	a, err1 := strconv.ParseUint(ms, 10, 64)
	b, err2 := strconv.ParseUint(seq, 10, 64)
	return streamID{a, b}, err1 == nil && err2 == nil
}

func (id streamID) String() string {
	return strconv.FormatUint(id.ms, 10) + "-" + strconv.FormatUint(id.seq, 10)
}

// after reports whether id comes after o in the stream.
func (id streamID) after(o streamID) bool {
	return id.ms > o.ms || (id.ms == o.ms && id.seq > o.seq)
}

// next is the smallest id after id: XRANGE's start past id, as Node
// computes it (exclusive ranges need Redis 6.2).
func (id streamID) next() streamID { return streamID{id.ms, id.seq + 1} }

// lastID returns the id of the stream's last entry, 0-0 when it is empty
// or missing: the reader starts there, as Node's reader starts at "$".
func lastID(ctx context.Context, client redis.UniversalClient, stream string) (streamID, error) {
	entries, err := client.XRevRangeN(ctx, stream, "+", "-", 1).Result()
	if err != nil {
		return streamID{}, fmt.Errorf("XREVRANGE %s: %w", stream, err)
	}
	if len(entries) == 0 {
		return streamID{}, nil
	}
	id, ok := parseID(entries[0].ID)
	if !ok {
		return streamID{}, fmt.Errorf("XREVRANGE %s: entry id %q", stream, entries[0].ID)
	}
	return id, nil
}

// reader is where the stream is read: a connection of its own when the
// client can give one (a *redis.Client), whose id lets stop interrupt its
// blocking XREAD (CLIENT UNBLOCK); the shared pool otherwise, where stop
// waits for the XREAD to time out (Options.BlockTime).
type reader struct {
	cmd  redis.Cmdable
	conn *redis.Conn
	id   int64
}

func newReader(ctx context.Context, client redis.UniversalClient) reader {
	cc, ok := client.(interface{ Conn() *redis.Conn })
	if !ok {
		return reader{cmd: client}
	}
	conn := cc.Conn()
	id, err := conn.ClientID(ctx).Result()
	if err != nil {
		conn.Close()
		return reader{cmd: client}
	}
	return reader{cmd: conn, conn: conn, id: id}
}

// readLoop reads the stream from where it was when the first namespace
// started until ctx ends. An error (Redis down) is logged once per outage
// and retried after a pause.
func (c *cluster) readLoop(ctx context.Context, r reader) {
	defer c.wg.Done()
	if r.conn != nil {
		defer r.conn.Close()
	}
	failing := false
	for ctx.Err() == nil {
		c.mu.Lock()
		from := c.pos
		c.mu.Unlock()
		res, err := r.cmd.XRead(ctx, &redis.XReadArgs{
			Streams: []string{c.opts.StreamName, from.String()},
			Count:   c.opts.ReadCount,
			Block:   c.opts.BlockTime,
		}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			if ctx.Err() != nil {
				return
			}
			if !failing {
				c.logf("reading stream %s: %v", c.opts.StreamName, err)
			}
			failing = true
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		failing = false
		for _, s := range res {
			for _, e := range s.Messages {
				c.dispatch(e)
			}
		}
	}
}

// unblock interrupts the reader's XREAD until the reader has stopped.
func (c *cluster) unblock(r reader, stopped <-chan struct{}) {
	if r.conn == nil {
		return
	}
	for {
		ctx, cancel := context.WithTimeout(context.Background(), c.opts.RequestsTimeout)
		c.client.ClientUnblock(ctx, r.id)
		cancel()
		select {
		case <-stopped:
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// dispatch hands one entry to its namespace and moves the reader past it.
func (c *cluster) dispatch(e redis.XMessage) {
	id, ok := parseID(e.ID)
	if !ok {
		return
	}
	nsp, _ := e.Values["nsp"].(string)
	c.mu.Lock()
	c.pos = id
	a := c.namespaces[nsp]
	c.mu.Unlock()
	if a == nil {
		return
	}
	m, err := decodeEntry(e.Values)
	if err != nil {
		a.Logf("malformed stream entry %s: %v", e.ID, err)
		a.setApplied(id)
		return
	}
	a.onEntry(id, m)
}

// logf logs through the first namespace's sink.
func (c *cluster) logf(format string, args ...any) {
	c.mu.Lock()
	var a *nsAdapter
	for _, a = range c.namespaces {
		break
	}
	c.mu.Unlock()
	if a != nil {
		a.opts.Logf("socketeer/adapter/redisstreams: "+format, args...)
	}
}

// encodeEntry returns the fields of the stream entry of m, in Node's
// order: uid, nsp, type as a decimal string, and data as JSON, or as
// base64 msgpack when it holds binary values.
func encodeEntry(m *clusteradapter.Message) ([]any, error) {
	fields := []any{"uid", m.UID, "nsp", m.Nsp, "type", strconv.Itoa(int(m.Type))}
	if m.Data == nil {
		return fields, nil
	}
	if m.Type.MayHoldBinary() && clusteradapter.HasBinary(m.Data) {
		b, err := rediswire.MarshalMsgpack(m.Data)
		if err != nil {
			return nil, err
		}
		return append(fields, "data", base64.StdEncoding.EncodeToString(b)), nil
	}
	b, err := json.Marshal(m.Data)
	if err != nil {
		return nil, err
	}
	return append(fields, "data", string(b)), nil
}

// decodeEntry reads the fields of a stream entry: data is JSON when it
// starts with "{", base64 msgpack otherwise, as Node decides.
func decodeEntry(fields map[string]any) (*clusteradapter.Message, error) {
	str := func(k string) string { s, _ := fields[k].(string); return s }
	t, err := strconv.Atoi(str("type"))
	if err != nil {
		return nil, fmt.Errorf("type %q", str("type"))
	}
	m := &clusteradapter.Message{UID: str("uid"), Nsp: str("nsp"), Type: clusteradapter.MessageType(t)}
	data := str("data")
	if data == "" {
		return m, nil
	}
	m.Data = new(clusteradapter.Data)
	if data[0] == '{' {
		return m, json.Unmarshal([]byte(data), m.Data)
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, err
	}
	return m, msgpack.NewDecoder(bytes.NewReader(b)).Decode(m.Data)
}

// decodeMessage decodes a message received over pub/sub: the whole
// message in msgpack.
func decodeMessage(b []byte) (*clusteradapter.Message, error) {
	var m clusteradapter.Message
	if err := msgpack.NewDecoder(bytes.NewReader(b)).Decode(&m); err != nil {
		return nil, err
	}
	return &m, nil
}

// isEphemeral reports whether m goes over pub/sub rather than the stream,
// as Node's adapter decides: broadcasts with acks, server-side emits and
// fetchSockets requests.
func isEphemeral(m *clusteradapter.Message) bool {
	switch m.Type {
	case clusteradapter.ServerSideEmit, clusteradapter.FetchSockets:
		return true
	case clusteradapter.Broadcast:
		return m.Data != nil && m.Data.RequestID != ""
	}
	return false
}
