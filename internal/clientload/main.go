// Command clientload measures the Go client against a server that follows
// the benchmark contract of examples/bench (an "echo" event acknowledged
// with its args): the memory each idle connection costs the client
// process, and the client's CPU time per acknowledgement while every
// connection emits "echo" and waits for its ack, in a closed loop.
// interop/js/client_load.js measures socket.io-client the same way; the
// commands and figures are in docs/performance.md.
//
//	go run ./internal/clientload -url http://127.0.0.1:3000 -conns 200 -duration 10s
//
// It prints one line of key=value pairs.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/socketeer/socketeer/client"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:3000", "server URL")
	conns := flag.Int("conns", 200, "client connections, each with its own Manager, websocket only")
	d := flag.Duration("duration", 10*time.Second, "length of the ack loop")
	flag.Parse()
	r, err := run(*url, *conns, *d)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r)
}

// result is what one run measured.
type result struct {
	conns       int
	idleBytes   float64 // Go heap and stacks per idle connection
	idleRSS     float64 // resident memory per idle connection
	acks        int64
	cpu         time.Duration // user+system time of the ack loop
	elapsed     time.Duration
	failedEmits int64
}

func (r result) String() string {
	return fmt.Sprintf("client=go conns=%d idle_bytes_per_conn=%.0f idle_rss_per_conn=%.0f acks=%d acks_per_s=%.0f cpu_us_per_ack=%.2f failed=%d",
		r.conns, r.idleBytes, r.idleRSS, r.acks, float64(r.acks)/r.elapsed.Seconds(),
		float64(r.cpu.Microseconds())/float64(max(r.acks, 1)), r.failedEmits)
}

func run(url string, n int, d time.Duration) (result, error) {
	res := result{conns: n}
	before, rss0 := liveBytes(), rss()
	sockets := make([]*client.Socket, n)
	for i := range sockets {
		m, err := client.NewManager(url, client.Options{Transports: []client.Transport{client.WebSocket}})
		if err != nil {
			return res, err
		}
		defer m.Close()
		sockets[i] = m.Socket("/", client.SocketOptions{})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = sockets[i].Connect(ctx)
		cancel()
		if err != nil {
			return res, err
		}
	}
	time.Sleep(time.Second)
	res.idleBytes = float64(liveBytes()-before) / float64(n)
	res.idleRSS = float64(rss()-rss0) / float64(n)

	var acks, failed atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cpu0, start := cpuTime(), time.Now()
	var wg sync.WaitGroup
	for _, s := range sockets {
		wg.Go(func() {
			payload := map[string]any{"n": 1, "s": "two"}
			for ctx.Err() == nil {
				if _, err := s.EmitWithAck(ctx, "echo", payload); err == nil {
					acks.Add(1)
				} else if ctx.Err() == nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	res.cpu, res.elapsed = cpuTime()-cpu0, time.Since(start)
	res.acks, res.failedEmits = acks.Load(), failed.Load()
	return res, nil
}

// liveBytes returns the live heap and goroutine stacks after a collection.
func liveBytes() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc + ms.StackInuse
}

// cpuTime returns the process's user and system time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fmt.Fprintln(os.Stderr, "getrusage:", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rss returns the resident set size from /proc/self/statm, 0 elsewhere.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, resident int64
	fmt.Sscan(string(b), &size, &resident)
	return resident * int64(os.Getpagesize())
}
