// Package clustertest runs the Node scripts of the multi-node adapter
// tests (interop/cluster): a script that prints one JSON line per event
// and reads commands on stdin (Proc), and clients.js, socket.io-client
// clients spread over servers (Clients). The adapter packages' tests share
// it.
package clustertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/internal/testenv"
	"github.com/socketeer/socketeer/namespace"
)

// Serve serves a on a test HTTP server, shut down (a first, with up to 5s
// for its sockets) when the test ends.
func Serve(t *testing.T, a *app.App) *httptest.Server {
	srv := httptest.NewServer(a)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.Shutdown(ctx)
		srv.Close()
	})
	return srv
}

// WaitTimeout bounds every wait for something to cross the cluster.
const WaitTimeout = 10 * time.Second

// Msg is one JSON line a node script printed.
type Msg map[string]any

// Str returns the string at k, "" when there is none.
func (m Msg) Str(k string) string { s, _ := m[k].(string); return s }

// Num returns the number at k as an int, 0 when there is none.
func (m Msg) Num(k string) int { f, _ := m[k].(float64); return int(f) }

// Proc is a running node script that prints JSON lines and reads commands.
type Proc struct {
	// T fails the test; set it to a subtest's while that runs.
	T     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{}

	mu      sync.Mutex
	lines   []Msg
	output  bytes.Buffer
	changed chan struct{}
}

// StartScript runs `node interop/<script>` with env added.
func StartScript(t *testing.T, script string, env ...string) *Proc {
	t.Helper()
	nodeBin := testenv.Node(t)
	cmd := exec.Command(nodeBin, filepath.Join(testenv.InteropDir(), script))
	cmd.Dir = testenv.InteropDir()
	cmd.Env = append(os.Environ(), env...)
	p := &Proc{T: t, cmd: cmd, done: make(chan struct{}), changed: make(chan struct{}, 1)}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = lockedWriter{p}
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go p.read(stdout)
	t.Cleanup(p.Stop)
	return p
}

type lockedWriter struct{ p *Proc }

func (w lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.output.Write(b)
}

func (p *Proc) read(r io.Reader) {
	defer close(p.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var m Msg
		err := json.Unmarshal(sc.Bytes(), &m)
		p.mu.Lock()
		p.output.Write(sc.Bytes())
		p.output.WriteByte('\n')
		if err == nil {
			p.lines = append(p.lines, m)
		}
		p.mu.Unlock()
		select {
		case p.changed <- struct{}{}:
		default:
		}
	}
}

// Stop closes stdin (the scripts exit then), kills the script if it does
// not exit within 3s, and waits for it.
func (p *Proc) Stop() {
	p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(3 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
	p.cmd.Wait()
}

// Send writes one command line.
func (p *Proc) Send(v any) {
	p.T.Helper()
	b, _ := json.Marshal(v)
	if _, err := p.stdin.Write(append(b, '\n')); err != nil {
		p.T.Fatalf("writing to %s: %v", p.cmd.Args[1], err)
	}
}

// Matching returns the lines fn accepts.
func (p *Proc) Matching(fn func(Msg) bool) []Msg {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Msg
	for _, m := range p.lines {
		if fn(m) {
			out = append(out, m)
		}
	}
	return out
}

// WaitN waits until n lines match fn and returns them.
func (p *Proc) WaitN(n int, fn func(Msg) bool) []Msg {
	p.T.Helper()
	deadline := time.NewTimer(WaitTimeout)
	defer deadline.Stop()
	for {
		if got := p.Matching(fn); len(got) >= n {
			return got
		}
		select {
		case <-p.changed:
		case <-p.done:
			if got := p.Matching(fn); len(got) >= n {
				return got
			}
			p.T.Fatalf("%s exited; want %d matching lines; output:\n%s", p.cmd.Args[1], n, p.Out())
		case <-deadline.C:
			got := p.Matching(fn)
			p.T.Fatalf("%d of %d lines after %v; output:\n%s", len(got), n, WaitTimeout, p.Out())
		}
	}
}

// Out returns everything the script printed.
func (p *Proc) Out() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.output.String()
}

// Clients is the clients.js script: JS clients spread over servers.
type Clients struct {
	*Proc
	IDs []string // socket id of each client
	URL []int    // index of the URL each client connected to
}

// StartClients connects per clients to each URL and waits for all.
func StartClients(t *testing.T, per int, urls ...string) *Clients {
	t.Helper()
	return StartClientsEnv(t, per, urls)
}

// StartClientsEnv is StartClients with env added to the script's.
func StartClientsEnv(t *testing.T, per int, urls []string, env ...string) *Clients {
	t.Helper()
	p := StartScript(t, "cluster/clients.js", append([]string{"URLS=" + strings.Join(urls, ","), fmt.Sprintf("PER_URL=%d", per)}, env...)...)
	n := per * len(urls)
	c := &Clients{Proc: p, IDs: make([]string, n), URL: make([]int, n)}
	for _, m := range p.WaitN(n, IsType("connect")) {
		c.IDs[m.Num("c")] = m.Str("id")
		c.URL[m.Num("c")] = m.Num("url")
	}
	return c
}

// IsType matches the lines whose "t" is t.
func IsType(t string) func(Msg) bool { return func(m Msg) bool { return m.Str("t") == t } }

// IsEvent matches the event named name received by any client.
func IsEvent(name string) func(Msg) bool {
	return func(m Msg) bool { return m.Str("t") == "event" && m.Str("event") == name }
}

// Receivers waits until want clients got event name, then lets 300ms pass
// for any extra delivery, and returns the sorted indexes of the clients
// that got it (a client appears once per delivery).
func (c *Clients) Receivers(name string, want int) []int {
	c.T.Helper()
	if want > 0 {
		c.WaitN(want, IsEvent(name))
	}
	time.Sleep(300 * time.Millisecond)
	var got []int
	for _, m := range c.Matching(IsEvent(name)) {
		got = append(got, m.Num("c"))
	}
	slices.Sort(got)
	return got
}

// Join makes client i join room through the node it is connected to and
// waits for the acknowledgement.
func (c *Clients) Join(i int, room string) {
	c.T.Helper()
	seq := fmt.Sprintf("join-%d-%s", i, room)
	c.Send(map[string]any{"cmd": "emit", "c": i, "event": "join", "args": []any{room}, "ack": true, "seq": seq})
	c.WaitN(1, func(m Msg) bool { return m.Str("t") == "ack" && m.Str("seq") == seq })
}

// Args returns the args of the event name as client i received it.
func (c *Clients) Args(i int, name string) []any {
	c.T.Helper()
	got := c.WaitN(1, func(m Msg) bool { return IsEvent(name)(m) && m.Num("c") == i })
	a, _ := got[0]["args"].([]any)
	return a
}

// Command sends cmd with a fresh seq to a server script and returns its
// answer (the line carrying that seq).
func (p *Proc) Command(cmd map[string]any) Msg {
	p.T.Helper()
	seq := fmt.Sprintf("s%d", time.Now().UnixNano())
	cmd["seq"] = seq
	p.Send(cmd)
	return p.WaitN(1, func(m Msg) bool { return m.Str("seq") == seq })[0]
}

// Delivered checks that event reached exactly the clients want, and that
// those that got two args got bin as the second.
func (c *Clients) Delivered(event string, want []int, bin any) {
	c.T.Helper()
	start := time.Now()
	got := c.Receivers(event, len(want))
	if !slices.Equal(got, want) {
		c.T.Fatalf("%s: receivers %v, want %v", event, got, want)
	}
	c.T.Logf("delivered to %v within %v (incl. the 300ms settle wait)", got, time.Since(start))
	for _, i := range got {
		if args := c.Args(i, event); len(args) == 2 && !reflect.DeepEqual(args[1], bin) {
			c.T.Errorf("client %d got binary arg %v, want %v", i, args[1], bin)
		}
	}
}

// ReplyClients returns the sorted client numbers of the acknowledgements
// {client, id} that clients.js sends, as a Socketeer broadcast got them.
func ReplyClients(t *testing.T, replies []namespace.Reply) []int {
	t.Helper()
	got := []int{}
	for _, r := range replies {
		var v struct{ Client int }
		if err := r.Decode(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v.Client)
	}
	slices.Sort(got)
	return got
}

// NodeClients returns the sorted client numbers of the acknowledgements
// in the answer of node-server.js to emitWithAck.
func NodeClients(m Msg) []int {
	got := []int{}
	rs, _ := m["responses"].([]any)
	for _, r := range rs {
		if o, ok := r.(map[string]any); ok {
			got = append(got, Msg(o).Num("client"))
		}
	}
	slices.Sort(got)
	return got
}

// SocketIDs returns the sorted ids of ss.
func SocketIDs(ss []adapter.SocketInfo) []string {
	ids := make([]string, 0, len(ss))
	for _, s := range ss {
		ids = append(ids, s.ID)
	}
	slices.Sort(ids)
	return ids
}

// NodeSocketIDs returns the sorted ids of the sockets in the answer of
// node-server.js to fetch.
func NodeSocketIDs(m Msg) []string {
	ids := []string{}
	ss, _ := m["sockets"].([]any)
	for _, s := range ss {
		if o, ok := s.(map[string]any); ok {
			ids = append(ids, Msg(o).Str("id"))
		}
	}
	slices.Sort(ids)
	return ids
}
