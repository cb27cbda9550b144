// Command ratebench measures acknowledgement latency at a fixed rate
// against any server of the side-by-side benchmark's contract (event
// "echo" acked with its args; "broadcast" re-emitted as "msg" to room
// "bench"): C websocket clients send echo events so that together they
// send R per second, on a schedule that does not wait for the server, and
// the latency of each ack is taken from the time its event was due (so a
// server that stalls is charged for the events it held up). It prints one
// JSON line with p50, p99 and p99.9 on stdout.
//
// With -receivers N, N more sockets join and one of them emits
// "broadcast" at -storm per second while the echo clients are measured:
// the tail latency of acks under a broadcast storm. With -rate 0 every
// client sends its next event when the previous ack came (a closed loop),
// and -acks stops the run after that many acks: a fixed amount of work,
// for instruction counts under a profiler.
//
//	ratebench -addr 127.0.0.1:3000 -c 50 -rate 10000 -d 10s
//	ratebench -addr 127.0.0.1:3000 -c 50 -rate 5000 -receivers 1000 -storm 20 -d 10s
//	ratebench -addr 127.0.0.1:3000 -c 50 -rate 0 -acks 100000
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// config is the command line.
type config struct {
	addr      string
	server    string
	clients   int
	rate      float64
	duration  time.Duration
	warmup    time.Duration
	acks      int
	payload   int
	receivers int
	storm     float64
	srcNet    string
}

func main() {
	var c config
	flag.StringVar(&c.addr, "addr", "127.0.0.1:3000", "server address (host:port, loopback)")
	flag.StringVar(&c.server, "server", "", "server label in the result")
	flag.IntVar(&c.clients, "c", 50, "echo clients")
	flag.Float64Var(&c.rate, "rate", 10000, "echo events per second, all clients together (0: closed loop)")
	flag.DurationVar(&c.duration, "d", 10*time.Second, "measured time (fixed rate)")
	flag.DurationVar(&c.warmup, "warmup", time.Second, "time at the rate before measuring")
	flag.IntVar(&c.acks, "acks", 0, "closed loop: stop after this many acks (0: run for -d)")
	flag.IntVar(&c.payload, "payload", 100, "bytes of the echo payload (about)")
	flag.IntVar(&c.receivers, "receivers", 0, "sockets that only receive broadcasts")
	flag.Float64Var(&c.storm, "storm", 0, "broadcasts per second sent by one receiver while measuring")
	flag.StringVar(&c.srcNet, "srcnet", "127.0.0", "dial from <srcnet>.1 .. <srcnet>.4, round robin")
	flag.Parse()
	if err := c.check(); err != nil {
		fmt.Fprintln(os.Stderr, "ratebench:", err)
		os.Exit(2)
	}
	res, err := measure(context.Background(), c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ratebench:", err)
		os.Exit(1)
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
}

func (c config) check() error {
	host, _, err := net.SplitHostPort(c.addr)
	switch {
	case err != nil:
		return fmt.Errorf("-addr %q: %w", c.addr, err)
	case !isLoopback(host):
		return fmt.Errorf("-addr %q: loopback addresses only", c.addr)
	case c.clients < 1:
		return fmt.Errorf("-c %d: want at least one client", c.clients)
	case c.rate < 0 || c.storm < 0 || c.receivers < 0 || c.acks < 0:
		return fmt.Errorf("negative -rate, -storm, -receivers or -acks")
	case c.rate == 0 && c.acks == 0 && c.duration <= 0:
		return fmt.Errorf("closed loop needs -acks or -d")
	case c.storm > 0 && c.receivers == 0:
		return fmt.Errorf("-storm needs -receivers")
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// localAddr returns the source address of connection i.
func (c config) localAddr(i int) net.Addr {
	ip := net.ParseIP(fmt.Sprintf("%s.%d", strings.TrimSuffix(c.srcNet, "."), 1+i%4))
	if ip == nil {
		return nil
	}
	return &net.TCPAddr{IP: ip}
}
