package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/socketeer/socketeer/examples/bench/internal/wsclient"
)

// client is one echo client: a sender that emits "echo" with an ack id on
// its schedule (or, in a closed loop, after each ack) and a reader that
// matches the acks to their due times.
type client struct {
	conn    *wsclient.Conn
	payload []byte
	rate    float64 // this client's events per second; 0: closed loop
	start   time.Time
	from    time.Time     // acks of events due from then on are measured
	end     time.Time     // no event is due from then on (zero: -acks decides)
	left    *atomic.Int64 // closed loop with -acks: events left to send, all clients

	due      []atomic.Int64 // due time (UnixNano) of event id (at id % len), 0 once acked
	next     chan struct{}  // closed loop: the ack came, send the next
	acked    atomic.Uint64
	finished atomic.Bool   // the sender is done and the reader may stop
	readDone chan struct{} // closed when the reader stopped

	// Owned by the reader until run returns.
	hist histogram
	// Owned by the sender until run returns.
	sent, late uint64
}

func newClient(conn *wsclient.Conn, i int, c config, start, from, end time.Time, left *atomic.Int64) *client {
	cl := &client{conn: conn, payload: payload(c.payload, i), start: start, from: from, end: end, left: left}
	capacity := 1 << 16
	if c.rate > 0 {
		cl.rate = c.rate / float64(c.clients)
		// Stagger the clients over one interval, so that they do not send together.
		cl.start = start.Add(time.Duration(float64(i) / float64(c.clients) * float64(time.Second) / cl.rate))
		capacity = int(cl.rate*end.Sub(start).Seconds()) + 2
	} else {
		cl.next = make(chan struct{}, 1)
	}
	cl.due = make([]atomic.Int64, capacity)
	return cl
}

// payload is the echo argument, shaped like the benchmark contract's.
func payload(size, i int) []byte {
	head := fmt.Sprintf(`{"user":"bench-user-%04d","room":"bench","ts":1700000000123,"flags":[true,false],"text":"`, i%10000)
	return []byte(head + string(bytes.Repeat([]byte("x"), max(1, size-len(head)-2))) + `"}`)
}

// run sends and reads until the client is done: every scheduled event
// acked (or the ack count reached), or an error.
func (cl *client) run(e *errs) {
	done := make(chan struct{})
	cl.readDone = make(chan struct{})
	go func() { defer close(done); cl.send(e) }()
	cl.read(e)
	close(cl.readDone)
	<-done
}

// send emits the events: at rate, each when due; or, in a closed loop,
// each after the previous ack. Once no event is left to send it waits
// (up to ackGrace) for the last acks and stops the reader.
func (cl *client) send(e *errs) {
	buf := make([]byte, 0, len(cl.payload)+32)
	interval := time.Duration(0)
	if cl.rate > 0 {
		interval = time.Duration(float64(time.Second) / cl.rate)
	}
	time.Sleep(time.Until(cl.start))
	for id := 1; ; id++ {
		due := time.Now()
		if cl.rate > 0 {
			due = cl.start.Add(time.Duration(id-1) * interval)
			if !due.Before(cl.end) {
				break
			}
			if wait := time.Until(due); wait > 0 {
				time.Sleep(wait)
			} else if wait < -time.Millisecond {
				cl.late++
			}
		} else if cl.end.IsZero() && cl.left.Add(-1) < 0 || !cl.end.IsZero() && !due.Before(cl.end) {
			break
		}
		cl.due[id%len(cl.due)].Store(due.UnixNano())
		buf = append(buf[:0], "42"...)
		buf = strconv.AppendInt(buf, int64(id), 10)
		buf = append(buf, `["echo",`...)
		buf = append(append(buf, cl.payload...), ']')
		if err := cl.conn.Write(buf); err != nil {
			e.add(fmt.Errorf("send: %w", err))
			break
		}
		cl.sent++
		if cl.next != nil {
			select {
			case <-cl.next:
			case <-cl.readDone:
				return
			}
		}
	}
	for deadline := time.Now().Add(ackGrace); cl.acked.Load() < cl.sent && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if missing := cl.sent - min(cl.acked.Load(), cl.sent); missing > 0 {
		e.add(fmt.Errorf("%d acks missing %v after the last event", missing, ackGrace))
	}
	cl.finished.Store(true)
	cl.conn.SetReadDeadline(time.Now())
}

// ackGrace is how long the last acks may take.
const ackGrace = 10 * time.Second

// read takes acks until the sender is done, checking the first one.
func (cl *client) read(e *errs) {
	checked := false
	for {
		p, err := cl.conn.Read()
		if err != nil {
			if !cl.finished.Load() {
				e.add(fmt.Errorf("read: %w", err))
			}
			return
		}
		id, args, ok := parseAck(p)
		if !ok {
			continue // a broadcast "msg", or another packet
		}
		if id <= 0 {
			e.add(fmt.Errorf("ack id %d out of range", id))
			continue
		}
		due := cl.due[id%len(cl.due)].Swap(0)
		if due == 0 {
			e.add(fmt.Errorf("ack %d twice or for no event", id))
			continue
		}
		if !checked {
			checked = true
			if err := sameJSON(args, cl.payload); err != nil {
				e.add(err)
			}
		}
		if d := time.Unix(0, due); !d.Before(cl.from) {
			cl.hist.record(time.Since(d))
		}
		cl.acked.Add(1)
		if cl.next != nil {
			cl.next <- struct{}{}
		}
	}
}

// parseAck splits an ACK of namespace "/": 43<id>[args].
func parseAck(p []byte) (id int, args []byte, ok bool) {
	rest, ok := bytes.CutPrefix(p, []byte("43"))
	if !ok {
		return 0, nil, false
	}
	i := bytes.IndexByte(rest, '[')
	if i <= 0 {
		return 0, nil, false
	}
	id, err := strconv.Atoi(string(rest[:i]))
	if err != nil {
		return 0, nil, false
	}
	return id, rest[i:], true
}

// sameJSON checks that args is the one-element array of want.
func sameJSON(args, want []byte) error {
	var got []any
	var w any
	if err := json.Unmarshal(args, &got); err != nil || len(got) != 1 {
		return fmt.Errorf("ack args %.80q: want one argument", args)
	}
	json.Unmarshal(want, &w)
	a, _ := json.Marshal(got[0])
	b, _ := json.Marshal(w)
	if !bytes.Equal(a, b) {
		return fmt.Errorf("ack args %.80q differ from the payload sent", args)
	}
	return nil
}
