package rediscluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/internal/testenv"
)

// Options shapes the cluster. The zero value is three masters without
// replicas.
type Options struct {
	// Masters is the number of masters, which share the 16384 slots
	// (default 3, the least redis-cli accepts).
	Masters int
	// Replicas is the number of replicas of each master (default 0). With
	// one, a killed master's replica takes its slots over.
	Replicas int
	// NodeTimeout is the cluster-node-timeout: how long a node may not
	// answer before it is held failed and its replica promoted (default
	// 2s; Redis's own is 15s).
	NodeTimeout time.Duration
}

// WaitTimeout bounds every wait of the package: for a node to answer, for
// the cluster to be created and for it to heal.
const WaitTimeout = 60 * time.Second

// Cluster is a running Redis Cluster of one test. Its methods must be
// called from the test's goroutine.
type Cluster struct {
	t     testing.TB
	bin   string
	cli   string
	dir   string
	opts  Options
	nodes []*node
}

// node is one redis-server process of the cluster.
type node struct {
	port, busPort int
	cmd           *exec.Cmd
	exited        chan struct{}
}

func (n *node) addr() string { return "127.0.0.1:" + strconv.Itoa(n.port) }

// Start starts the cluster's processes in a temporary directory, creates
// the cluster and waits until every node reports cluster_state:ok. Every
// process is killed when the test ends. Without redis-server or redis-cli
// the test is skipped, or fails when SOCKETEER_REQUIRE_INTEROP=1.
func Start(t testing.TB, o Options) *Cluster {
	t.Helper()
	if o.Masters <= 0 {
		o.Masters = 3
	}
	if o.NodeTimeout <= 0 {
		o.NodeTimeout = 2 * time.Second
	}
	c := &Cluster{t: t, dir: t.TempDir(), opts: o}
	c.bin = lookPath(t, "redis-server")
	c.cli = lookPath(t, "redis-cli")
	t.Cleanup(c.stop)
	for range o.Masters * (1 + o.Replicas) {
		n := &node{port: freePort(t), busPort: freePort(t)}
		c.nodes = append(c.nodes, n)
		c.startNode(n)
	}
	c.create()
	c.WaitHealthy()
	return c
}

// lookPath finds a Redis program, or stops the test.
func lookPath(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		msg := name + " not found in PATH (apt-get install redis-server, or run scripts/setup.sh): " + err.Error()
		if testenv.Required() {
			t.Fatalf("%s (%s=1, so this fails instead of skipping)", msg, testenv.RequireEnv)
		}
		t.Skip(msg)
	}
	return p
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startNode starts n's process and waits until it answers PING. Its
// nodes.conf, in the cluster's directory, survives a restart.
func (c *Cluster) startNode(n *node) {
	c.t.Helper()
	p := strconv.Itoa(n.port)
	n.cmd = exec.Command(c.bin,
		"--port", p, "--bind", "127.0.0.1",
		"--cluster-enabled", "yes",
		"--cluster-config-file", "nodes-"+p+".conf",
		"--cluster-port", strconv.Itoa(n.busPort),
		"--cluster-node-timeout", strconv.FormatInt(c.opts.NodeTimeout.Milliseconds(), 10),
		"--cluster-replica-validity-factor", "0",
		"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
		"--save", "", "--appendonly", "no",
		"--dir", c.dir, "--logfile", "redis-"+p+".log")
	setDeathSignal(n.cmd)
	if err := n.cmd.Start(); err != nil {
		c.t.Fatalf("starting redis-server on %s: %v", n.addr(), err)
	}
	n.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) {
		cmd.Wait()
		close(exited)
	}(n.cmd, n.exited)
	c.waitFor("redis-server on "+n.addr()+" to answer", func() error {
		select {
		case <-n.exited:
			return fmt.Errorf("%w: exited; log:\n%s", errStopped, c.logTail(n))
		default:
		}
		return c.client(n).Ping(context.Background()).Err()
	})
}

// errStopped ends a wait early: what it waits for cannot happen.
var errStopped = errors.New("rediscluster: process stopped")

// create joins the nodes into a cluster with redis-cli.
func (c *Cluster) create() {
	c.t.Helper()
	args := []string{"--cluster", "create"}
	for _, n := range c.nodes {
		args = append(args, n.addr())
	}
	args = append(args, "--cluster-replicas", strconv.Itoa(c.opts.Replicas), "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, c.cli, args...).CombinedOutput()
	if err != nil {
		c.t.Fatalf("redis-cli %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// client returns a short-lived client of n alone.
func (c *Cluster) client(n *node) *goredis.Client {
	return goredis.NewClient(&goredis.Options{
		Addr: n.addr(), MaxRetries: -1, DialTimeout: time.Second, ReadTimeout: time.Second,
	})
}

// waitFor calls check until it returns nil, failing the test after
// WaitTimeout or when check returns an error wrapping errStopped.
func (c *Cluster) waitFor(what string, check func() error) {
	c.t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if errors.Is(err, errStopped) || time.Now().After(deadline) {
			c.t.Fatalf("rediscluster: waiting for %s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Addrs returns the address (host:port) of every node, masters and
// replicas, running or not: the seed list of a cluster client.
func (c *Cluster) Addrs() []string {
	out := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = n.addr()
	}
	return out
}

// running reports whether n's process runs.
func (n *node) running() bool {
	if n.cmd == nil {
		return false
	}
	select {
	case <-n.exited:
		return false
	default:
		return true
	}
}

// WaitHealthy waits until every running node reports cluster_state:ok,
// every slot is served by a master that is not failing, and every node
// knows every other: after Start, after a failover, or after a restarted
// node rejoined.
func (c *Cluster) WaitHealthy() {
	c.t.Helper()
	c.waitFor("the cluster to be healthy", func() error {
		for _, n := range c.nodes {
			if !n.running() {
				continue
			}
			if err := c.nodeHealthy(n); err != nil {
				return fmt.Errorf("%s: %w", n.addr(), err)
			}
		}
		return nil
	})
}

// nodeHealthy checks one node's view of the cluster.
func (c *Cluster) nodeHealthy(n *node) error {
	rdb := c.client(n)
	defer rdb.Close()
	info, err := rdb.ClusterInfo(context.Background()).Result()
	if err != nil {
		return err
	}
	fields := parseInfo(info)
	if fields["cluster_state"] != "ok" || fields["cluster_slots_ok"] != "16384" {
		return fmt.Errorf("cluster_state:%s cluster_slots_ok:%s", fields["cluster_state"], fields["cluster_slots_ok"])
	}
	if fields["cluster_known_nodes"] != strconv.Itoa(len(c.nodes)) {
		return fmt.Errorf("knows %s of %d nodes", fields["cluster_known_nodes"], len(c.nodes))
	}
	ranges, err := rdb.ClusterSlots(context.Background()).Result()
	if err != nil {
		return err
	}
	for _, r := range ranges {
		if len(r.Nodes) == 0 || !c.isRunning(r.Nodes[0].Addr) {
			return fmt.Errorf("slots %d-%d are still on a stopped master", r.Start, r.End)
		}
	}
	return nil
}

// isRunning reports whether the node at addr runs.
func (c *Cluster) isRunning(addr string) bool {
	for _, n := range c.nodes {
		if n.addr() == addr {
			return n.running()
		}
	}
	return false
}

// parseInfo reads "key:value" lines.
func parseInfo(s string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			out[k] = v
		}
	}
	return out
}

// MasterOf returns the address of the master that serves key's slot now,
// as a running node sees it. With a channel name as key, it is the master
// that SPUBLISH and SSUBSCRIBE to that channel go to.
func (c *Cluster) MasterOf(key string) string {
	c.t.Helper()
	var addr string
	c.waitFor("the master of "+strconv.Quote(key), func() error {
		n := c.anyRunning()
		rdb := c.client(n)
		defer rdb.Close()
		ctx := context.Background()
		slot, err := rdb.ClusterKeySlot(ctx, key).Result()
		if err != nil {
			return err
		}
		ranges, err := rdb.ClusterSlots(ctx).Result()
		if err != nil {
			return err
		}
		for _, r := range ranges {
			if int64(r.Start) <= slot && slot <= int64(r.End) && len(r.Nodes) > 0 {
				addr = r.Nodes[0].Addr
				return nil
			}
		}
		return fmt.Errorf("slot %d is not served", slot)
	})
	return addr
}

// anyRunning returns a running node, or fails the test.
func (c *Cluster) anyRunning() *node {
	c.t.Helper()
	for _, n := range c.nodes {
		if n.running() {
			return n
		}
	}
	c.t.Fatal("rediscluster: no node is running")
	return nil
}

// find returns the node of addr, or fails the test.
func (c *Cluster) find(addr string) *node {
	c.t.Helper()
	for _, n := range c.nodes {
		if n.addr() == addr {
			return n
		}
	}
	c.t.Fatalf("rediscluster: no node at %s", addr)
	return nil
}

// Kill kills the process of the node at addr (SIGKILL, as a crash) and
// waits for it to exit.
func (c *Cluster) Kill(addr string) {
	c.t.Helper()
	n := c.find(addr)
	if !n.running() {
		c.t.Fatalf("rediscluster: %s is not running", addr)
	}
	n.cmd.Process.Kill()
	<-n.exited
}

// Restart starts again the node at addr, which Kill stopped, with its
// cluster identity, and waits until it answers; call WaitHealthy to wait
// for it to rejoin.
func (c *Cluster) Restart(addr string) {
	c.t.Helper()
	n := c.find(addr)
	if n.running() {
		c.t.Fatalf("rediscluster: %s is running", addr)
	}
	c.startNode(n)
}

// stop kills every process still running and, when the test failed, logs
// the end of each node's log.
func (c *Cluster) stop() {
	var wg sync.WaitGroup
	for _, n := range c.nodes {
		if n.running() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n.cmd.Process.Kill()
				<-n.exited
			}()
		}
	}
	wg.Wait()
	if c.t.Failed() {
		for _, n := range c.nodes {
			c.t.Logf("redis-server %s log:\n%s", n.addr(), c.logTail(n))
		}
	}
}

// logTail returns the last lines of n's log.
func (c *Cluster) logTail(n *node) string {
	b, err := os.ReadFile(filepath.Join(c.dir, "redis-"+strconv.Itoa(n.port)+".log"))
	if err != nil {
		return err.Error()
	}
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
