package namespace

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/protocol"
)

// echo is a client that acknowledges every event with its name and args.
func echo(event string, args []json.RawMessage) []json.RawMessage {
	return append([]json.RawMessage{json.RawMessage(strconv.Quote(event))}, args...)
}

// silent is a client that never acknowledges.
func silent(string, []json.RawMessage) []json.RawMessage { return nil }

// pendingAcks returns how many acks s still waits for.
func pendingAcks(s *Socket) int { return core(s).PendingAcks() }

func connectAnswering(t testing.TB, rt *Runtime, answer func(string, []json.RawMessage) []json.RawMessage, rooms ...string) (*Socket, *fakeConn) {
	t.Helper()
	c := newFakeConn()
	c.answer = answer
	return connectConn(rt, c, rooms...)
}

func TestSocketEmitWithAck(t *testing.T) {
	const ackTimeout = 300 * time.Millisecond
	rt := newRuntime(t, ackTimeout)
	answering, answeringConn := connectAnswering(t, rt, echo)
	mute, muteConn := connectAnswering(t, rt, silent)

	t.Run("answered", func(t *testing.T) {
		waits := answeringConn.waits.Load()
		r, err := answering.EmitWithAck(context.Background(), "sum", 1, "two", []byte{3})
		if err != nil {
			t.Fatal(err)
		}
		// A handler waiting here on the connection's reader has it
		// handed over, so that the ack is read.
		if n := answeringConn.waits.Load() - waits; n != 1 {
			t.Errorf("connection told of %d waits, want 1", n)
		}
		var (
			name, two string
			one       int
			bin       []byte
		)
		if err := r.Decode(&name, &one, &two, &bin); err != nil {
			t.Fatal(err)
		}
		if name != "sum" || one != 1 || two != "two" || !slices.Equal(bin, []byte{3}) {
			t.Errorf("reply = %q", r.Args)
		}
		if err := r.Decode(new(string), new(int), new(string), new([]byte), new(any)); !errors.Is(err, errors.ErrArgs) {
			t.Errorf("Decode of too many args = %v, want ErrArgs", err)
		}
		if n := pendingAcks(answering); n != 0 {
			t.Errorf("%d acks still pending", n)
		}
	})
	t.Run("ctx deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 40*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := mute.EmitWithAck(ctx, "q")
		if !errors.Is(err, errors.ErrAckTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want ErrAckTimeout wrapping DeadlineExceeded", err)
		}
		if d := time.Since(start); d < 40*time.Millisecond || d >= ackTimeout {
			t.Errorf("timed out after %v, want the ctx deadline (40ms)", d)
		}
		if n := pendingAcks(mute); n != 0 {
			t.Errorf("ack entry not removed after the timeout: %d pending", n)
		}
	})
	t.Run("namespace AckTimeout", func(t *testing.T) {
		start := time.Now()
		_, err := mute.EmitWithAck(context.Background(), "q")
		if !errors.Is(err, errors.ErrAckTimeout) {
			t.Fatalf("err = %v, want ErrAckTimeout", err)
		}
		if d := time.Since(start); d < ackTimeout || d > ackTimeout+2*time.Second {
			t.Errorf("timed out after %v, want the namespace AckTimeout %v", d, ackTimeout)
		}
		if n := pendingAcks(mute); n != 0 {
			t.Errorf("ack entry not removed after the timeout: %d pending", n)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(10*time.Millisecond, cancel)
		if _, err := mute.EmitWithAck(ctx, "q"); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("late ack ignored", func(t *testing.T) {
		for _, p := range muteConn.packets(t) {
			if p.Type == protocol.Event && p.ID != protocol.NoID {
				core(mute).HandleAck(p.ID, []json.RawMessage{json.RawMessage(`1`)})
			}
		}
		if n := pendingAcks(mute); n != 0 {
			t.Errorf("%d acks pending", n)
		}
	})
	t.Run("reserved event", func(t *testing.T) {
		if _, err := answering.EmitWithAck(context.Background(), "connect"); !errors.Is(err, errors.ErrReservedEvent) {
			t.Errorf("err = %v, want ErrReservedEvent", err)
		}
	})
}

func TestEmitWithAckDisconnect(t *testing.T) {
	rt := newRuntime(t, 5*time.Second)
	s, _ := connectAnswering(t, rt, silent)
	time.AfterFunc(30*time.Millisecond, func() { s.Disconnect(false) })
	start := time.Now()
	_, err := s.EmitWithAck(context.Background(), "q")
	if !errors.Is(err, errors.ErrSocketClosed) {
		t.Fatalf("err = %v, want ErrSocketClosed", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v, not at the disconnect", d)
	}
	if _, err := s.EmitWithAck(context.Background(), "q"); !errors.Is(err, errors.ErrSocketClosed) {
		t.Errorf("EmitWithAck after disconnect = %v, want ErrSocketClosed", err)
	}
	if n := pendingAcks(s); n != 0 {
		t.Errorf("%d acks pending on a closed socket", n)
	}
	if s.Connected() || s.Context().Err() == nil {
		t.Error("socket still connected")
	}
}

func TestBroadcastEmitWithAck(t *testing.T) {
	const ackTimeout = 120 * time.Millisecond
	rt := newRuntime(t, ackTimeout)
	ns := Of(rt)
	var answering, mute []*Socket
	var answeringConns []*fakeConn
	for range 3 {
		s, c := connectAnswering(t, rt, echo, "room", "answering")
		answering = append(answering, s)
		answeringConns = append(answeringConns, c)
	}
	for range 2 {
		s, _ := connectAnswering(t, rt, silent, "room")
		mute = append(mute, s)
	}
	slow, _ := connectAnswering(t, rt, func(e string, a []json.RawMessage) []json.RawMessage {
		time.Sleep(30 * time.Millisecond)
		return echo(e, a)
	}, "slow")

	tests := []struct {
		name    string
		emit    func(ctx context.Context) ([]Reply, error)
		replies int
		timeout time.Duration // 0: every ack arrives
	}{
		{"all answer", func(ctx context.Context) ([]Reply, error) {
			return ns.To("answering").EmitWithAck(ctx, "q", 7)
		}, 3, 0},
		{"slow answer", func(ctx context.Context) ([]Reply, error) {
			return ns.To("slow", "answering").EmitWithAck(ctx, "q", 7)
		}, 4, 0},
		{"empty room", func(ctx context.Context) ([]Reply, error) {
			return ns.To("nobody").EmitWithAck(ctx, "q", 7)
		}, 0, 0},
		{"sender excluded", func(ctx context.Context) ([]Reply, error) {
			return answering[0].To("answering").EmitWithAck(ctx, "q", 7)
		}, 2, 0},
		{"some silent, Timeout", func(ctx context.Context) ([]Reply, error) {
			return ns.To("room").Timeout(80*time.Millisecond).EmitWithAck(ctx, "q", 7)
		}, 3, 80 * time.Millisecond},
		{"some silent, ctx deadline", func(ctx context.Context) ([]Reply, error) {
			ctx, cancel := context.WithTimeout(ctx, 60*time.Millisecond)
			defer cancel()
			return ns.To("room").EmitWithAck(ctx, "q", 7)
		}, 3, 60 * time.Millisecond},
		{"some silent, namespace AckTimeout", func(ctx context.Context) ([]Reply, error) {
			return ns.To("room").EmitWithAck(ctx, "q", 7)
		}, 3, ackTimeout},
		{"namespace, binary", func(ctx context.Context) ([]Reply, error) {
			return ns.EmitWithAck(ctx, "q", 7, []byte{1})
		}, 4, ackTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			waits := make([]int64, len(answeringConns))
			for i, c := range answeringConns {
				waits[i] = c.waits.Load()
			}
			start := time.Now()
			replies, err := tt.emit(context.Background())
			elapsed := time.Since(start)
			if tt.name == "all answer" { // each recipient's connection is told of the wait
				for i, c := range answeringConns {
					if n := c.waits.Load() - waits[i]; n != 1 {
						t.Errorf("recipient %d: told of %d waits, want 1", i, n)
					}
				}
			}
			if tt.timeout == 0 {
				if err != nil { // every ack arrived before the timeout
					t.Fatal(err)
				}
			} else {
				if !errors.Is(err, errors.ErrAckTimeout) {
					t.Fatalf("err = %v, want ErrAckTimeout", err)
				}
				if elapsed < tt.timeout || elapsed > tt.timeout+2*time.Second {
					t.Errorf("timed out after %v, want %v", elapsed, tt.timeout)
				}
			}
			if len(replies) != tt.replies {
				t.Fatalf("got %d replies, want %d: %v", len(replies), tt.replies, replies)
			}
			for _, r := range replies {
				var event string
				var n int
				if err := r.Decode(&event, &n); err != nil || event != "q" || n != 7 {
					t.Errorf("reply %q: %v", r.Args, err)
				}
			}
			for _, s := range slices.Concat(answering, mute, []*Socket{slow}) {
				if n := pendingAcks(s); n != 0 {
					t.Errorf("socket %s still waits for %d acks", s.ID(), n)
				}
			}
		})
	}
}

// TestBroadcastAckDisconnect checks that a socket leaving during a
// broadcast with acks costs the timeout only, and leaves nothing behind.
func TestBroadcastAckDisconnect(t *testing.T) {
	rt := newRuntime(t, time.Second)
	_, _ = connectAnswering(t, rt, echo, "room")
	leaving, _ := connectAnswering(t, rt, silent, "room")
	time.AfterFunc(20*time.Millisecond, func() { leaving.Disconnect(false) })
	replies, err := Of(rt).To("room").Timeout(100*time.Millisecond).EmitWithAck(context.Background(), "q")
	if !errors.Is(err, errors.ErrAckTimeout) || len(replies) != 1 {
		t.Fatalf("got %d replies and %v, want 1 and ErrAckTimeout", len(replies), err)
	}
	// Emitting with acks to a disconnected socket registers nothing.
	core(leaving).ExpectAck(99, func([]json.RawMessage) { t.Error("ack on a closed socket") })
	if n := pendingAcks(leaving); n != 0 {
		t.Errorf("a closed socket registered %d acks", n)
	}
}
