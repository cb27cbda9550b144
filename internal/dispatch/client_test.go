package dispatch_test

import (
	"testing"
	"time"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/protocol"
)

// greeter emits from OnConnect, directly and through a room broadcast.
type greeter struct{ namespace.Namespace }

func (g *greeter) OnConnect(s *sock) error {
	s.Join("lobby")
	if err := s.Emit("welcome", 1); err != nil {
		return err
	}
	return s.Namespace().To("lobby").Emit("joined", s.ID())
}

func TestEmitsFromOnConnectFollowTheReply(t *testing.T) {
	h := newHarness(t, &greeter{}, dispatch.Options{}, false)
	got := packets(t, h.sess)
	if len(got) != 3 {
		t.Fatalf("got %d packets, want 3", len(got))
	}
	if got[0].Type != protocol.Connect {
		t.Errorf("first packet is %s, want the CONNECT reply", got[0].Type)
	}
	for i, name := range []string{"welcome", "joined"} {
		p := got[i+1]
		if ev, _, err := protocol.SplitEvent(p.Data); p.Type != protocol.Event || err != nil || ev != name {
			t.Errorf("packet %d = %s %s, want EVENT %q", i+1, p.Type, p.Data, name)
		}
	}
}

func TestConnectTimeout(t *testing.T) {
	r := dispatch.New(dispatch.Options{ConnectTimeout: 20 * time.Millisecond})
	sess := newMemSession(false)
	recv := r.Open(sess)
	defer recv.OnClose(engine.ReasonTransportClose)
	deadline := time.Now().Add(2 * time.Second)
	for !sess.Closed() {
		if time.Now().After(deadline) {
			t.Fatal("a connection that joined no namespace was not closed")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestProtocolViolationsClose(t *testing.T) {
	tests := []struct{ name, before, msg string }{
		{"event before connect", "", `2/other,["x"]`},
		{"garbage", "", `9zz`},
		{"second connect", "", `0`},
		{"text event while an attachment is due", `51-["x",{"_placeholder":true,"num":0}]`, `2["x"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, &greeter{}, dispatch.Options{Logf: func(string, ...any) {}}, true)
			if tt.before != "" {
				if h.recv.OnMessage([]byte(tt.before), false); h.sess.Closed() {
					t.Fatalf("%q closed the connection", tt.before)
				}
			}
			h.recv.OnMessage([]byte(tt.msg), false)
			if !h.sess.Closed() {
				t.Errorf("%q did not close the connection", tt.msg)
			}
		})
	}
}

// TestTextEventAfterAttachments: once a binary event has its attachment,
// text events are taken again.
func TestTextEventAfterAttachments(t *testing.T) {
	h := newHarness(t, &greeter{}, dispatch.Options{Logf: func(string, ...any) {}}, true)
	h.recv.OnMessage([]byte(`51-["x",{"_placeholder":true,"num":0}]`), false)
	h.recv.OnMessage([]byte{1, 2, 3}, true)
	h.recv.OnMessage([]byte(`2["x"]`), false)
	if h.sess.Closed() {
		t.Fatal("a text event after a complete binary event closed the connection")
	}
}
