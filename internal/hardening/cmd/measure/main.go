// Command measure drives a Socket.IO server that follows the benchmark
// contract (CONTRACT.md of the side-by-side benchmark suite, which is kept
// outside this repository: event "broadcast" fans its
// first arg out as "msg" to room "bench", which every socket joins) with
// one client that never reads and one that reads everything, and reports
// the server process's memory growth (VmRSS from /proc/PID/status) and how
// long it takes the server to cut the slow client off.
//
//	measure -addr 127.0.0.1:3000 -pid 1234 [-count 20000] [-size 10240]
//
// The reading client sends the broadcasts itself, at most -window messages
// ahead of what it has received, and checks every message arrives in
// order. After the run the slow client reads what reached it: a server that
// cut it off ends the stream after the last message it wrote, and the time
// that message was broadcast is the cut-off time. (A closed socket with
// unsent data keeps its FIN behind that data, so the client cannot see the
// close without reading.)
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3000", "server host:port")
	pid := flag.Int("pid", 0, "server process id, for VmRSS")
	count := flag.Int("count", 20000, "broadcasts")
	size := flag.Int("size", 10<<10, "bytes per broadcast")
	window := flag.Int("window", 100, "broadcasts in flight at most")
	flag.Parse()

	good := dial(*addr)
	slow := dial(*addr)
	defer good.Close()
	defer slow.Close()
	time.Sleep(500 * time.Millisecond)
	baseRSS := rss(*pid)

	var received atomic.Int64
	var order atomic.Value
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for received.Load() < int64(*count) {
			_, b, err := good.ReadMessage()
			if err != nil {
				order.CompareAndSwap(nil, "read: "+err.Error())
				return
			}
			m := string(b)
			if m == "2" {
				good.WriteMessage(websocket.TextMessage, []byte("3"))
				continue
			}
			rest, ok := strings.CutPrefix(m, `42["msg","`)
			if !ok {
				continue
			}
			n, _ := strconv.Atoi(rest[:strings.IndexByte(rest, ':')])
			if int64(n) != received.Load() {
				order.CompareAndSwap(nil, fmt.Sprintf("got %d, want %d", n, received.Load()))
			}
			received.Add(1)
		}
	}()

	var peakRSS int64
	sentAt := make([]time.Duration, *count)
	start := time.Now()
	stopWatch := make(chan struct{})
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			peakRSS = max(peakRSS, rss(*pid))
			select {
			case <-stopWatch:
				return
			case <-tick.C:
			}
		}
	}()
	pad := strings.Repeat("x", *size)
	for i := range *count {
		for int64(i)-received.Load() > int64(*window) {
			select {
			case <-readerDone:
				log.Fatalf("reader ended after %d: %v", received.Load(), order.Load())
			default:
				time.Sleep(100 * time.Microsecond)
			}
		}
		sentAt[i] = time.Since(start)
		arg, _ := json.Marshal(strconv.Itoa(i) + ":" + pad)
		if err := good.WriteMessage(websocket.TextMessage, append([]byte(`42["broadcast",`), append(arg, ']')...)); err != nil {
			log.Fatal(err)
		}
	}
	<-readerDone
	elapsed := time.Since(start)
	time.Sleep(time.Second) // let a late cut-off show
	close(stopWatch)
	<-watchDone
	cutAtMsg, cut := drain(slow)
	res := map[string]any{
		"broadcasts": *count, "size": *size, "seconds": elapsed.Seconds(),
		"good_received": received.Load(), "good_order_error": order.Load(),
		"base_rss_mb": mb(baseRSS), "peak_rss_mb": mb(peakRSS), "rss_growth_mb": mb(peakRSS - baseRSS),
		"slow_cut_off": cut, "slow_got_msgs": cutAtMsg,
	}
	if cut && cutAtMsg < int64(*count) {
		res["slow_cut_after_s"] = sentAt[cutAtMsg].Seconds()
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
}

// dial opens a websocket session and joins "/".
func dial(addr string) *websocket.Conn {
	c, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		log.Fatal(err)
	}
	if _, b, err := c.ReadMessage(); err != nil || b[0] != '0' {
		log.Fatalf("open: %q %v", b, err)
	}
	c.WriteMessage(websocket.TextMessage, []byte("40"))
	if _, b, err := c.ReadMessage(); err != nil || !strings.HasPrefix(string(b), "40") {
		log.Fatalf("connect: %q %v", b, err)
	}
	return c
}

// drain reads what reached the slow client; it returns how many "msg"
// events came and whether the server ended the connection (rather than
// the stream pausing for 3s with the connection open).
func drain(c *websocket.Conn) (int64, bool) {
	var n int64
	for {
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		_, b, err := c.ReadMessage()
		if err != nil {
			var ne net.Error
			return n, !(errors.As(err, &ne) && ne.Timeout())
		}
		if strings.HasPrefix(string(b), `42["msg"`) {
			n++
		}
	}
}

// rss returns the VmRSS of process pid in bytes.
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		log.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func mb(n int64) float64 { return float64(n*10/(1<<20)) / 10 }
