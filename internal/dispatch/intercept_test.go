package dispatch_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/internal/dispatch"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/protocol"
)

// asker waits, inside its handler, for the ack of an emit to its own socket.
type asker struct {
	namespace.Namespace
	replies chan string
}

func (a *asker) OnAsk(s *sock) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := s.EmitWithAck(ctx, "question")
	if err != nil {
		a.replies <- "error: " + err.Error()
		return
	}
	a.replies <- string(r.Args[0])
}

// TestAcksOvertakeTheQueue: an ACK and a BINARY_ACK (with its attachment)
// read while the socket's handler waits for them are taken by the reader's
// interceptor and reach the handler at once.
func TestAcksOvertakeTheQueue(t *testing.T) {
	for _, tt := range []struct {
		name     string
		messages func(id string) []string // "\x00"-prefixed: binary
		want     string
	}{
		{"ack", func(id string) []string { return []string{"3" + id + `["yes"]`} }, `"yes"`},
		{"binary ack", func(id string) []string {
			return []string{"61-" + id + `[{"_placeholder":true,"num":0}]`, "\x00\x01\x02\x03"}
		}, `"AQID"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ns := &asker{replies: make(chan string, 1)}
			h := newHarness(t, ns, dispatch.Options{}, false)
			packets(t, h.sess)
			go h.recv.OnMessage([]byte(`2["ask"]`), false)
			var id int64 = -1
			deadline := time.Now().Add(5 * time.Second)
			for id < 0 && time.Now().Before(deadline) {
				for _, p := range packets(t, h.sess) {
					if p.Type == protocol.Event && p.ID != protocol.NoID {
						id = p.ID
					}
				}
				time.Sleep(time.Millisecond)
			}
			if id < 0 {
				t.Fatal("the handler emitted no question")
			}
			icpt := h.recv.(engine.Interceptor)
			for _, m := range tt.messages(strconv.FormatInt(id, 10)) {
				binary := m[0] == 0
				if binary {
					m = m[1:]
				}
				if !icpt.Intercept([]byte(m), binary) {
					t.Fatalf("message %q was not intercepted", m)
				}
			}
			select {
			case got := <-ns.replies:
				if got != tt.want {
					t.Fatalf("the handler got %s, want %s", got, tt.want)
				}
			case <-time.After(3 * time.Second):
				t.Fatal("the handler did not get its ack while it ran")
			}
			h.recv.OnClose(engine.ReasonTransportClose)
		})
	}
}
