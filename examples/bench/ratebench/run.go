package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socketeer/socketeer/examples/bench/internal/wsclient"
)

// result is the JSON line ratebench prints. Latencies are in ms.
type result struct {
	Server      string  `json:"server"`
	Scenario    string  `json:"scenario"`
	Clients     int     `json:"clients"`
	TargetRate  float64 `json:"target_rate"`
	Seconds     float64 `json:"seconds"`
	Sent        uint64  `json:"sent"` // warm-up included
	Acks        uint64  `json:"acks"`
	Rate        float64 `json:"acks_per_sec"`
	Late        uint64  `json:"late_sends"`
	Errors      int64   `json:"errors"`
	FirstError  string  `json:"first_error,omitempty"`
	P50         float64 `json:"p50_ms"`
	P99         float64 `json:"p99_ms"`
	P999        float64 `json:"p999_ms"`
	Max         float64 `json:"max_ms"`
	Mean        float64 `json:"mean_ms"`
	Receivers   int     `json:"receivers,omitempty"`
	StormRate   float64 `json:"storm_rate,omitempty"`
	Broadcasts  uint64  `json:"broadcasts,omitempty"`
	Deliveries  uint64  `json:"deliveries,omitempty"`
	DeliveryPct float64 `json:"delivered_pct,omitempty"`
}

// errs keeps the error count and the first error.
type errs struct {
	n     atomic.Int64
	once  sync.Once
	first string
}

func (e *errs) add(err error) {
	e.n.Add(1)
	e.once.Do(func() { e.first = err.Error() })
}

func measure(ctx context.Context, c config) (*result, error) {
	scenario := "echo-rate"
	if c.rate == 0 {
		scenario = "echo-closed"
	}
	if c.receivers > 0 {
		scenario += "-storm"
	}
	res := &result{Server: c.server, Scenario: scenario, Clients: c.clients, TargetRate: c.rate,
		Receivers: c.receivers, StormRate: c.storm}
	dialCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	echo, err := dialAll(dialCtx, c, 0, c.clients)
	if err != nil {
		return nil, err
	}
	recv, err := dialAll(dialCtx, c, c.clients, c.receivers)
	if err != nil {
		return nil, err
	}
	defer closeAll(echo)
	defer closeAll(recv)
	logf("%d echo clients and %d receivers connected to %s", len(echo), len(recv), c.addr)

	var e errs
	var deliveries atomic.Uint64
	for _, r := range recv {
		go receive(r, &deliveries)
	}
	start := time.Now().Add(50 * time.Millisecond)
	measureFrom := start.Add(c.warmup)
	end := measureFrom.Add(c.duration)
	if c.rate == 0 {
		measureFrom, end = start, time.Time{} // closed loop: no warm-up, -acks or -d
		if c.acks == 0 {
			end = start.Add(c.duration)
		}
	}
	var stormDone chan uint64
	stop := make(chan struct{})
	if c.storm > 0 {
		stormDone = make(chan uint64, 1)
		go func() { stormDone <- storm(recv[0], c.storm, measureFrom, stop, c.payload, &e) }()
	}
	clients := make([]*client, len(echo))
	var left atomic.Int64
	left.Store(int64(c.acks))
	var wg sync.WaitGroup
	for i, conn := range echo {
		cl := newClient(conn, i, c, start, measureFrom, end, &left)
		clients[i] = cl
		wg.Add(1)
		go func() { defer wg.Done(); cl.run(&e) }()
	}
	wg.Wait()
	finished := time.Now()
	close(stop)
	if stormDone != nil {
		res.Broadcasts = <-stormDone
		time.Sleep(500 * time.Millisecond) // let the last broadcasts arrive
		res.Deliveries = deliveries.Load()
		if want := res.Broadcasts * uint64(c.receivers); want > 0 {
			res.DeliveryPct = 100 * float64(min(res.Deliveries, want)) / float64(want)
		}
	}
	var h histogram
	for _, cl := range clients {
		h.merge(&cl.hist)
		res.Sent += cl.sent
		res.Late += cl.late
	}
	res.Acks = h.n
	res.Seconds = finished.Sub(measureFrom).Seconds()
	if c.rate > 0 {
		res.Seconds = c.duration.Seconds()
	}
	if res.Seconds > 0 {
		res.Rate = float64(res.Acks) / res.Seconds
	}
	res.Errors, res.FirstError = e.n.Load(), e.first
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	res.P50, res.P99, res.P999 = ms(h.quantile(0.5)), ms(h.quantile(0.99)), ms(h.quantile(0.999))
	res.Max, res.Mean = ms(h.max), ms(h.mean())
	logf("%s: %d acks in %.1fs (%.0f/s), p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms, %d errors",
		scenario, res.Acks, res.Seconds, res.Rate, res.P50, res.P99, res.P999, res.Max, res.Errors)
	return res, nil
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

// dialAll connects n sockets, numbered from first, 50 at a time.
func dialAll(ctx context.Context, c config, first, n int) ([]*wsclient.Conn, error) {
	conns := make([]*wsclient.Conn, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, 50)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			conn, err := wsclient.Dial(ctx, c.addr, c.localAddr(first+i))
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("connection %d: %w", first+i, err)
			}
			conns[i] = conn
		}()
	}
	wg.Wait()
	if firstErr != nil {
		closeAll(conns)
		return nil, firstErr
	}
	return conns, nil
}

func closeAll(conns []*wsclient.Conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

// receive counts the broadcasts a receiver gets until its connection ends.
func receive(c *wsclient.Conn, n *atomic.Uint64) {
	for {
		p, err := c.Read()
		if err != nil {
			return
		}
		if bytes.HasPrefix(p, []byte(`42["msg"`)) {
			n.Add(1)
		}
	}
}

// storm sends broadcasts from c at rate per second from from until stop
// is closed, and returns how many.
func storm(c *wsclient.Conn, rate float64, from time.Time, stop <-chan struct{}, payload int, e *errs) uint64 {
	pad := bytes.Repeat([]byte("x"), max(1, payload-50))
	interval := time.Duration(float64(time.Second) / rate)
	var n uint64
	buf := make([]byte, 0, payload+64)
	t := time.NewTimer(time.Until(from))
	defer t.Stop()
	for next := from; ; next = next.Add(interval) {
		t.Reset(time.Until(next))
		select {
		case <-stop:
			return n
		case <-t.C:
		}
		buf = append(buf[:0], `42["broadcast",{"seq":`...)
		buf = strconv.AppendUint(buf, n, 10)
		buf = append(buf, `,"t":`...)
		buf = strconv.AppendInt(buf, time.Now().UnixNano(), 10)
		buf = append(buf, `,"pad":"`...)
		buf = append(append(buf, pad...), `"}]`...)
		if err := c.Write(buf); err != nil {
			e.add(fmt.Errorf("storm: %w", err))
			return n
		}
		n++
	}
}
