package hardening

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/debug"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/errors"
)

// echoOK checks that c still gets an echo acknowledged.
func echoOK(t *testing.T, c *wsClient, id string) {
	t.Helper()
	c.write(`42` + id + `["echo","still here"]`)
	if got, want := c.read(), `43`+id+`["still here"]`; got != want {
		t.Errorf("echo: got %q, want %q", got, want)
	}
}

// TestPanickingHandler: a panic becomes an internal error in the ack; the
// socket and its neighbour go on.
func TestPanickingHandler(t *testing.T) {
	s := newServer(t, app.Options{Logf: func(string, ...any) {}})
	c, n := s.dialWS(t, ""), s.dialWS(t, "")
	defer c.close()
	defer n.close()
	c.write(`421["boom"]`)
	got := c.read()
	if !strings.HasPrefix(got, `431[{"error":{"code":"internal"`) {
		t.Errorf("ack of a panicking handler: %q", got)
	}
	echoOK(t, c, "2")
	echoOK(t, n, "1")
}

// TestBlockedHandler: a handler that blocks for longer than pingInterval +
// pingTimeout. Over websocket the reader goes on answering pongs, so the
// socket stays connected; its later events wait (in order) behind the
// blocked one; a neighbour is unaffected; the tracer reports "blocked
// handler". Over polling the POST that carries the event is answered at
// once and the client's pongs keep the session alive just the same.
func TestBlockedHandler(t *testing.T) {
	ping := engine.Options{PingInterval: 200 * time.Millisecond, PingTimeout: 200 * time.Millisecond}
	t.Run("websocket", func(t *testing.T) {
		var trace syncBuffer
		s := newServer(t, app.Options{Engine: ping, Debug: true,
			DebugOptions: debug.Options{Output: &trace, SlowHandler: 100 * time.Millisecond, NoColor: true}})
		c, n := s.dialWS(t, ""), s.dialWS(t, "")
		defer c.close()
		defer n.close()
		// c's read loop answers pings while its handler blocks.
		got := make(chan string, 1)
		go func() { m, _ := c.next(10 * time.Second); got <- m }()
		c.write(`42["block"]`)
		c.write(`421["echo","after"]`)
		// For 6 ping periods (3 × interval + timeout) the neighbour works.
		for i := range 12 {
			time.Sleep(100 * time.Millisecond)
			echoOK(t, n, strconv.Itoa(i))
		}
		if r := s.hub.reason(c.sid); r != "" {
			t.Fatalf("blocked socket closed: %q", r)
		}
		if !strings.Contains(trace.String(), "blocked handler") {
			t.Errorf("no \"blocked handler\" line in the trace")
		}
		close(s.hub.block)
		if m := <-got; m != `431["after"]` {
			t.Errorf("event after the blocked one: got %q", m)
		}
	})

	t.Run("polling", func(t *testing.T) {
		s := newServer(t, app.Options{Engine: ping})
		hc := httpClient(t)
		p := s.dialPolling(t, hc)
		// The POST is answered at once: its packets wait for the
		// dispatcher, so the client's next POSTs (its pongs) get through.
		start := time.Now()
		if st := p.post(`42["block"]`); st != 200 || time.Since(start) > time.Second {
			t.Fatalf("POST of the blocking event: %d after %s", st, time.Since(start))
		}
		// For 4 ping periods the client answers every ping it gets.
		for time.Since(start) < 4*(ping.PingInterval+ping.PingTimeout) {
			if got := p.get(); strings.Contains(got, "2") && strings.HasPrefix(got, "200 ") {
				if st := p.post("3"); st != 200 {
					t.Fatalf("pong POST: %d", st)
				}
			}
		}
		if r := s.hub.reason(p.socket); r != "" {
			t.Fatalf("polling socket with a blocked handler closed: %q", r)
		}
		close(s.hub.block)
	})
}

// TestAckNeverComes: a server EmitWithAck to a client that never answers
// times out; the socket and its neighbour go on.
func TestAckNeverComes(t *testing.T) {
	s := newServer(t, app.Options{})
	c, n := s.dialWS(t, ""), s.dialWS(t, "")
	defer c.close()
	defer n.close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := s.app.Of("/").Socket(c.sid).EmitWithAck(ctx, "question")
		done <- err
	}()
	if got := c.read(); !strings.HasPrefix(got, `421["question"]`) {
		t.Fatalf("got %q", got)
	}
	err := <-done
	t.Logf("EmitWithAck without an answer: %v", err)
	if err == nil || !(errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errors.ErrAckTimeout)) {
		t.Errorf("EmitWithAck err %v, want a timeout", err)
	}
	echoOK(t, c, "5")
	echoOK(t, n, "5")
}
