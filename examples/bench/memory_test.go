package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/examples/bench/internal/wsclient"
)

// The client side of TestIdleMemory runs in a process of its own (this
// test binary again, with memClientEnv set), so that its memory and open
// files do not count against the server's.
const memClientEnv = "SOCKETEER_MEM_CLIENT"

func TestMain(m *testing.M) {
	if v := os.Getenv(memClientEnv); v != "" {
		os.Exit(idleClients(v))
	}
	runtime.MemProfileRate = 1 // every allocation, for the breakdown of TestIdleMemory
	os.Exit(m.Run())
}

// idleClients opens the connections spec ("addr,n") asks for, prints
// "ready" and holds them, answering pings, until its stdin closes.
func idleClients(spec string) int {
	addr, nstr, _ := strings.Cut(spec, ",")
	n, err := strconv.Atoi(nstr)
	if err != nil {
		fmt.Println("bad spec", spec)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conns := make([]*wsclient.Conn, 0, n)
	for i := range n {
		// Four loopback source addresses, so that no one runs out of ports.
		laddr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+i%4))}
		c, err := wsclient.Dial(ctx, addr, laddr)
		if err != nil {
			fmt.Printf("connection %d: %v\n", i, err)
			return 1
		}
		conns = append(conns, c)
		go func() {
			for {
				if _, err := c.Read(); err != nil {
					return
				}
			}
		}()
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.Close()
	}
	return 0
}

// TestIdleMemory opens idle websockets to the benchmark server in this
// process (from a client process of its own) and reports the live heap
// and goroutine stacks per connection, with the heap broken down by the
// function that allocated it. MEMTEST_CONNS sets the number of
// connections (default 4,000; at most ~19,000 by the open-files limit).
// Idle websockets (they sent only the namespace CONNECT) are read
// through the poller: no goroutine, stack or read buffer of their own. It
// fails when a connection costs more than memCeiling bytes.
func TestIdleMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("opens thousands of connections")
	}
	n := 4000
	if v := os.Getenv("MEMTEST_CONNS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("MEMTEST_CONNS=%q: want a positive count", v)
		}
	}
	a, err := newApp()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln, nil) }()
	defer func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()

	before := liveBytes()
	beforeSites := heapBySite()
	client := exec.Command(os.Args[0], "-test.run=^$")
	client.Env = append(os.Environ(), memClientEnv+"="+ln.Addr().String()+","+strconv.Itoa(n))
	stdin, err := client.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := client.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); client.Wait() }()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("client: %q", line)
	}
	if got := a.Of("/").Len(); got != n {
		t.Fatalf("%d sockets connected, want %d", got, n)
	}
	after := liveBytes()
	perConn := float64(after.total()-before.total()) / float64(n)
	t.Logf("%d idle websockets: heap %.0f B + stacks %.0f B = %.0f B per connection",
		n, float64(after.heap-before.heap)/float64(n), float64(after.stack-before.stack)/float64(n), perConn)
	t.Logf("heap per connection by allocating function (bytes, objects):")
	for _, s := range siteDelta(beforeSites, heapBySite(), n) {
		t.Logf("  %7.1f B %5.2f  %s", s.bytes, s.objects, s.name)
	}
	if perConn <= 0 || perConn > memCeiling {
		t.Errorf("%.0f B per idle connection, want (0, %d]", perConn, memCeiling)
	}
}

// memCeiling bounds the live heap and stacks of one idle websocket at the
// default count (about 1,400 B when last lowered: idle websockets on the
// poller, no frame reader while idle; 3,900 B when first written).
const memCeiling = 1920

type live struct{ heap, stack uint64 }

func (l live) total() int64 { return int64(l.heap + l.stack) }

// liveBytes returns the live heap and the goroutine stacks after a full
// collection.
func liveBytes() live {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return live{m.HeapAlloc, m.StackInuse}
}

type site struct {
	name           string
	bytes, objects float64
}

// heapBySite returns the live heap bytes and objects per allocating
// function: the first frame outside the runtime and the allocation
// helpers of the standard library.
func heapBySite() map[string][2]int64 {
	runtime.GC()
	var recs []runtime.MemProfileRecord
	n, _ := runtime.MemProfile(nil, false)
	for {
		recs = make([]runtime.MemProfileRecord, n+100)
		var ok bool
		if n, ok = runtime.MemProfile(recs, false); ok {
			recs = recs[:n]
			break
		}
	}
	out := make(map[string][2]int64)
	for _, r := range recs {
		name := allocSite(r.Stack())
		v := out[name]
		v[0] += r.InUseBytes()
		v[1] += r.InUseObjects()
		out[name] = v
	}
	return out
}

func allocSite(stack []uintptr) string {
	frames := runtime.CallersFrames(stack)
	for {
		f, more := frames.Next()
		fn := f.Function
		helper := strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/") ||
			strings.HasPrefix(fn, "strings.") || strings.HasPrefix(fn, "bytes.") || strings.HasPrefix(fn, "encoding/base64.")
		if !helper || !more {
			return strings.TrimPrefix(fn, "github.com/socketeer/socketeer/")
		}
	}
}

// siteDelta returns the sites that grew by at least 8 bytes per connection,
// largest first.
func siteDelta(before, after map[string][2]int64, n int) []site {
	var out []site
	for name, v := range after {
		b := float64(v[0]-before[name][0]) / float64(n)
		if b >= 8 {
			out = append(out, site{name, b, float64(v[1]-before[name][1]) / float64(n)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].bytes > out[j].bytes })
	return out
}
