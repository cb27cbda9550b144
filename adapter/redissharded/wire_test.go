package redissharded_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/socketeer/socketeer/adapter/redissharded"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/internal/testenv"
)

// TestWire checks, with a raw sharded subscriber, on which channel a
// Socketeer node publishes each kind of broadcast in each subscription
// mode, and what it publishes: socket.io-adapter's message {uid, nsp,
// type, data} as JSON, or as msgpack when it holds binary.
func TestWire(t *testing.T) {
	env := serverEnv(t, testenv.RedisAddr(t))
	const sid = "abcdefghijklmnopqrst" // 20 characters: looks like a socket id
	for _, tc := range []struct {
		mode redissharded.SubscriptionMode
		// where a broadcast to "r", to sid, and to "r" and "s" goes
		room, socket, rooms string
	}{
		{redissharded.Static, "", "", ""},
		{redissharded.Dynamic, "r#", "", ""},
		{redissharded.DynamicPrivate, "r#", sid + "#", ""},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			key := testKey()
			nsp := rediswire.BroadcastChannel(key, "/")
			ps := env.rdb.SSubscribe(context.Background(), nsp, nsp+"r#", nsp+sid+"#")
			defer ps.Close()
			for range 3 {
				if _, err := ps.Receive(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			n := startNode(t, env.rdb, key, tc.mode)
			check(t, n.ns().To("r").Emit("to-room", "a"))
			check(t, n.ns().To(sid).Emit("to-socket"))
			check(t, n.ns().To("r", "s").Emit("to-rooms"))
			check(t, n.ns().Except("r").Emit("binary", []byte{1, 2}))
			for _, want := range []struct{ channel, event string }{
				{nsp + tc.room, "to-room"},
				{nsp + tc.socket, "to-socket"},
				{nsp + tc.rooms, "to-rooms"},
				{nsp, "binary"},
			} {
				m := receive(t, ps)
				if m.Channel != want.channel {
					t.Errorf("%s published on %s, want %s", want.event, m.Channel, want.channel)
				}
				checkMessage(t, []byte(m.Payload), want.event)
			}
		})
	}
}

// receive returns the next message of ps.
func receive(t *testing.T, ps *goredis.PubSub) *goredis.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := ps.ReceiveMessage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkMessage decodes a BROADCAST as Node's sharded adapter does (JSON
// when it starts with '{', msgpack otherwise) and checks its shape.
func checkMessage(t *testing.T, payload []byte, event string) {
	t.Helper()
	var m map[string]any
	var err error
	binary := event == "binary"
	if binary {
		if payload[0] == '{' {
			t.Fatalf("%s: a message with binary is JSON: %s", event, payload)
		}
		err = msgpack.NewDecoder(bytes.NewReader(payload)).Decode(&m)
	} else {
		err = json.Unmarshal(payload, &m)
	}
	if err != nil {
		t.Fatalf("%s: %v: %q", event, err, payload)
	}
	data, _ := m["data"].(map[string]any)
	packet, _ := data["packet"].(map[string]any)
	opts, _ := data["opts"].(map[string]any)
	args, _ := packet["data"].([]any)
	if uid, _ := m["uid"].(string); len(uid) != 16 || m["nsp"] != "/" || num(m["type"]) != 3 ||
		num(packet["type"]) != 2 || packet["nsp"] != "/" || len(args) == 0 || args[0] != event ||
		opts["rooms"] == nil || opts["except"] == nil {
		t.Fatalf("%s: message %v", event, m)
	}
	if binary && !reflect.DeepEqual(args[1], []byte{1, 2}) {
		t.Fatalf("binary arg %#v, want msgpack bin [1 2]", args[1])
	}
}

// num reads a number decoded from JSON or msgpack.
func num(v any) int64 {
	switch v := v.(type) {
	case float64:
		return int64(v)
	case int8:
		return int64(v)
	case uint8:
		return int64(v)
	case int64:
		return v
	case uint64:
		return int64(v)
	}
	return -1
}
