package client_test

import (
	"testing"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/client"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/clientcheck"
	"github.com/socketeer/socketeer/namespace"
)

// TestConformanceMsgpack runs the same checks with the msgpack parser on
// both ends.
func TestConformanceMsgpack(t *testing.T) {
	ts := &testServer{t: t, replies: make(chan namespace.Reply, 4), parser: app.ParserMsgpack,
		engine: engine.Options{PingInterval: 200 * time.Millisecond, PingTimeout: 200 * time.Millisecond}}
	ts.start("127.0.0.1:0")
	t.Cleanup(ts.crash)
	for _, mode := range clientcheck.Modes() {
		for _, c := range clientcheck.Checks() {
			t.Run(mode.Name+"/"+c.Name, func(t *testing.T) {
				ctx := timeout(t, 5*time.Second)
				o := client.Options{Transports: mode.Transports, NoReconnect: true, Parser: client.ParserMsgpack}
				if err := c.Run(ctx, ts.URL, o); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}
