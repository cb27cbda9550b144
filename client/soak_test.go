package client_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socketeer/socketeer/client"
	"github.com/socketeer/socketeer/engine"
)

// soakConfig is the size and length of TestSoak: 1,000 connections for a
// minute, 20s under -short or the race detector (CI runs -race), both
// overridable with SOCKETEER_SOAK_CONNS and SOCKETEER_SOAK_DURATION (a
// time.Duration).
func soakConfig(t *testing.T) (conns int, d time.Duration) {
	conns, d = 1000, time.Minute
	if testing.Short() || raceEnabled {
		d = 20 * time.Second
	}
	if v := os.Getenv("SOCKETEER_SOAK_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatal(err)
		}
		conns = n
	}
	if v := os.Getenv("SOCKETEER_SOAK_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatal(err)
		}
	}
	return conns, d
}

// soakClient is one connection of the soak and what it saw.
type soakClient struct {
	m     *client.Manager
	s     *client.Socket
	ticks atomic.Int64
}

// TestSoak drives many client connections from this process against a
// Socketeer server, with events both ways (acked emits from the clients,
// bursts of events from the server) while the server's side of a random
// connection is cut every 20ms. After a first settled measurement and
// again at the end, once every socket is connected and the traffic has
// stopped, the goroutines and the live heap are counted: the end must not
// have grown past the start. Close must then leave no goroutine (goleak,
// in TestMain).
func TestSoak(t *testing.T) {
	n, d := soakConfig(t)
	ts := newTestServerWith(t, engine.Options{PingInterval: 5 * time.Second, PingTimeout: 10 * time.Second})
	clients := soakConnect(t, ts.URL, n)
	defer func() {
		for _, c := range clients {
			c.m.Close()
		}
	}()

	traffic := func(d time.Duration, drops bool) (acks, fails, dropped int64) {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		var wg sync.WaitGroup
		var a, f, dr atomic.Int64
		for w := range 32 {
			wg.Go(func() { soakDrive(ctx, clients, w, &a, &f) })
		}
		if drops {
			wg.Go(func() {
				tick := time.NewTicker(20 * time.Millisecond)
				defer tick.Stop()
				for {
					select {
					case <-ctx.Done():
						return
					case <-tick.C:
						if ts.dropOne() {
							dr.Add(1)
						}
					}
				}
			})
		}
		wg.Wait()
		return a.Load(), f.Load(), dr.Load()
	}

	// Warm up with the same traffic and drops, so that pools, buffers and
	// maps reach their working size before the first measurement.
	warm := d / 6
	traffic(warm, true)
	soakSettle(t, clients)
	g1, h1 := soakMeasure()
	acks, fails, dropped := traffic(d-warm, true)
	soakSettle(t, clients)
	g2, h2 := soakMeasure()

	var ticks int64
	for _, c := range clients {
		ticks += c.ticks.Load()
	}
	t.Logf("%d connections, %v: %d acks (%d failed or cut by a drop), %d server events received, %d connections dropped",
		n, d, acks, fails, ticks, dropped)
	t.Logf("settled after warm-up: %d goroutines, %.1f MiB live heap; at the end: %d goroutines, %.1f MiB",
		g1, float64(h1)/(1<<20), g2, float64(h2)/(1<<20))
	if acks < int64(n/10) || ticks < int64(n/10) || dropped < 10 {
		t.Errorf("too little traffic: %d acks, %d events, %d drops", acks, ticks, dropped)
	}
	if fails > acks/5 {
		t.Errorf("%d of %d acked emits failed", fails, acks+fails)
	}
	if g2 > g1+n/50+20 {
		t.Errorf("goroutines grew from %d to %d", g1, g2)
	}
	if h2 > h1+h1/5+4<<20 {
		t.Errorf("live heap grew from %d to %d bytes", h1, h2)
	}
}

// soakConnect connects n clients, a tenth of them on polling only and a
// tenth on polling upgraded to websocket, the rest websocket only.
func soakConnect(t *testing.T, url string, n int) []*soakClient {
	clients := make([]*soakClient, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	errs := make(chan error, n)
	for i := range clients {
		tr := []client.Transport{client.WebSocket}
		switch i % 10 {
		case 0:
			tr = []client.Transport{client.Polling}
		case 1:
			tr = []client.Transport{client.Polling, client.WebSocket}
		}
		m, err := client.NewManager(url, client.Options{Transports: tr,
			ReconnectDelay: 50 * time.Millisecond, ReconnectDelayMax: 500 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		c := &soakClient{m: m, s: m.Socket("/", client.SocketOptions{})}
		if err := c.s.On("tick", func(int) { c.ticks.Add(1) }); err != nil {
			t.Fatal(err)
		}
		clients[i] = c
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := c.s.Connect(ctx); err != nil {
				errs <- fmt.Errorf("client %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return clients
}

// soakDrive makes random clients emit until ctx ends: an acked echo, and
// now and then a burst the server answers with events.
func soakDrive(ctx context.Context, clients []*soakClient, w int, acks, fails *atomic.Int64) {
	rng := rand.New(rand.NewPCG(uint64(w), 1))
	for ctx.Err() == nil {
		c := clients[rng.IntN(len(clients))]
		if rng.IntN(8) == 0 {
			c.s.Volatile().Emit("burst", 3)
			continue
		}
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		r, err := c.s.EmitWithAck(actx, "message-with-ack", w, "x", map[string][]byte{"b": {1, 2}})
		cancel()
		var k int
		switch {
		case err == nil && r.Decode(&k) == nil && k == w:
			acks.Add(1)
		case ctx.Err() == nil:
			fails.Add(1)
		}
	}
}

// soakSettle waits until every socket is connected again and the
// connections have had time to finish what was in flight.
func soakSettle(t *testing.T, clients []*soakClient) {
	deadline := time.Now().Add(30 * time.Second)
	for _, c := range clients {
		for !c.s.Connected() {
			if time.Now().After(deadline) {
				// Say which: soakConnect puts polling-only clients at
				// i%10 == 0, upgrading ones at 1, websocket-only elsewhere.
				var stuck []int
				for i, c := range clients {
					if !c.s.Connected() {
						stuck = append(stuck, i)
					}
				}
				t.Fatalf("sockets still disconnected 30s after the traffic stopped: clients %v", stuck)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	time.Sleep(time.Second)
}

// soakMeasure returns the goroutine count and the live heap after a
// collection.
func soakMeasure() (goroutines int, heap uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return runtime.NumGoroutine(), ms.HeapAlloc
}
