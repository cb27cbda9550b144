package redis_test

import (
	"context"
	"encoding/base64"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/internal/clustertest"
	"github.com/socketeer/socketeer/internal/testenv"
)

// TestMixedParsers runs two Socketeer nodes on one Redis, one speaking the
// msgpack parser and one the JSON parser, with real socket.io-client
// clients of the matching parser: clients 0 and 1 on the msgpack node, 2
// and 3 on the JSON node. The adapter carries packets in one
// parser-neutral form, so every broadcast reaches every client, binary
// args included, whichever node sent it; broadcast acks come back too.
func TestMixedParsers(t *testing.T) {
	addr := testenv.RedisAddr(t)
	rdb := newClient(t, addr)
	key := testKey(t)
	mp := startNodeWith(t, rdb, key, app.ParserMsgpack)
	js := startNodeWith(t, rdb, key, app.ParserJSON)
	waitNodes(t, rdb, key, 2)
	c := clustertest.StartClientsEnv(t, 2, []string{mp.url, js.url}, "PARSERS=msgpack,json")
	for _, i := range []int{1, 3} {
		c.Join(i, "r")
	}
	bin := map[string]any{"$bin": base64.StdEncoding.EncodeToString([]byte{9, 8, 0})}
	nested := map[string]any{"n": 1.5, "list": []any{"x", true, nil}}
	wantArgs := []any{"a", bin, nested}

	tests := []struct {
		name  string
		event string
		emit  func(event string) error
		want  []int
	}{
		{"msgpack node to all", "mp-all", func(e string) error { return mp.ns().Emit(e, "a", []byte{9, 8, 0}, nested) }, []int{0, 1, 2, 3}},
		{"JSON node to all", "js-all", func(e string) error { return js.ns().Emit(e, "a", []byte{9, 8, 0}, nested) }, []int{0, 1, 2, 3}},
		{"msgpack node to a room", "mp-room", func(e string) error { return mp.ns().To("r").Emit(e, "a", []byte{9, 8, 0}, nested) }, []int{1, 3}},
		{"JSON node except a room", "js-exc", func(e string) error { return js.ns().Except("r").Emit(e, "a", []byte{9, 8, 0}, nested) }, []int{0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, tt.emit(tt.event))
			if got := c.Receivers(tt.event, len(tt.want)); !slices.Equal(got, tt.want) {
				t.Fatalf("received by %v, want %v", got, tt.want)
			}
			for _, i := range tt.want {
				if got := c.Args(i, tt.event); !reflect.DeepEqual(got, wantArgs) {
					t.Errorf("client %d (%s) got %v, want %v", i, []string{"msgpack", "json"}[c.URL[i]], got, wantArgs)
				}
			}
		})
	}

	t.Run("broadcast acks from both parsers", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		replies, err := js.ns().EmitWithAck(ctx, "mp-ack", []byte{1})
		check(t, err)
		clients := clustertest.ReplyClients(t, replies)
		if !slices.Equal(clients, []int{0, 1, 2, 3}) {
			t.Errorf("acks from clients %v, want 0..3", clients)
		}
	})
}
