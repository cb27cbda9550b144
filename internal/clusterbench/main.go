// Command clusterbench measures one broadcast reaching every socket of a
// Socketeer cluster: several nodes on one Redis (examples/bench with
// REDIS_URL), each holding as many idle websocket clients as one process
// may open (these machines cap every process at 20,000 files). It starts
// one client process per node, lets the first one emit `broadcast`, and
// times the emit to the last receipt on any node. Loopback only.
//
//	go run ./internal/clusterbench -nodes 127.0.0.1:4001,127.0.0.1:4002 -per 19500 -pids 101,102
//
// With -rooms R it runs the room-heavy scenario instead: R rooms of
// -members K sockets, each room on -hosts H of the nodes (so each node
// hosts H/N of the rooms), one message per room per repetition; it reports
// the servers' CPU, the Redis servers' CPU and the bytes each node received
// from Redis (-redis lists the Redis servers' addresses, found with ss).
// The nodes must answer "join" and "roomcast" as examples/bench does.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

func main() {
	child := flag.Bool("child", false, "run as the client process of one node")
	addr := flag.String("addr", "", "child: the node's host:port")
	n := flag.Int("n", 19500, "child: connections to open")
	src := flag.String("src", "127.60.1", "child: source addresses <src>.1 … <src>.<srcn>; for the orchestrator, the second byte N of node i's 127.N+i.x")
	srcn := flag.Int("srcn", 4, "child: number of source addresses")
	nodes := flag.String("nodes", "", "comma-separated host:port of the nodes")
	per := flag.Int("per", 19500, "connections per node")
	pids := flag.String("pids", "", "comma-separated server PIDs, for RSS and CPU")
	reps := flag.Int("reps", 5, "broadcasts to all (or, with -rooms, messages to every room)")
	rooms := flag.Int("rooms", 0, "room-heavy run: number of rooms (0: broadcast to all)")
	members := flag.Int("members", 10, "room-heavy run: members per room")
	hosts := flag.Int("hosts", 2, "room-heavy run: nodes each room has members on")
	redisAddrs := flag.String("redis", "", "comma-separated Redis server addresses, for their CPU and each node's bytes from Redis")
	flag.Parse()
	if *child {
		runChild(*addr, *n, *src, *srcn)
		return
	}
	red, err := findRedis(strings.Split(*redisAddrs, ","))
	if err != nil {
		log.Fatal(err)
	}
	base, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(*src, "127."), ".", 2)[0])
	if err != nil {
		log.Fatalf("-src %q: want 127.N[.x]", *src)
	}
	sc := scenario{per: *per, reps: *reps, rooms: *rooms, members: *members, hosts: *hosts, srcBase: base}
	if err := orchestrate(strings.Split(*nodes, ","), parsePIDs(*pids), red, sc); err != nil {
		log.Fatal(err)
	}
}

// node is one child process and the node it connects to.
type node struct {
	addr string
	cmd  *exec.Cmd
	in   *bufio.Writer
	out  *bufio.Scanner
}

func (nd *node) ask(line string) (string, error) {
	fmt.Fprintln(nd.in, line)
	if err := nd.in.Flush(); err != nil {
		return "", err
	}
	if !nd.out.Scan() {
		return "", fmt.Errorf("%s: client process ended: %v", nd.addr, nd.out.Err())
	}
	return nd.out.Text(), nil
}

// scenario is what a run does: per connections per node, then reps
// broadcasts to all, or with rooms > 0 the room-heavy run.
type scenario struct {
	per, reps             int
	rooms, members, hosts int
	srcBase               int // node i's clients dial from 127.srcBase+i.1.x
}

func orchestrate(addrs []string, pids []int, red *redisServers, sc scenario) error {
	per, reps := sc.per, sc.reps
	for _, a := range addrs {
		if host, _, err := net.SplitHostPort(a); err != nil || !net.ParseIP(host).IsLoopback() {
			return fmt.Errorf("node %q: loopback host:port only", a)
		}
	}
	rss0 := sumRSS(pids)
	start := time.Now()
	var all []*node
	for i, a := range addrs {
		cmd := exec.Command(os.Args[0], "-child", "-addr", a, "-n", strconv.Itoa(per), "-src", fmt.Sprintf("127.%d.%d", sc.srcBase+i, 1))
		cmd.Stderr = os.Stderr
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			return err
		}
		defer cmd.Process.Kill()
		all = append(all, &node{addr: a, cmd: cmd, in: bufio.NewWriter(stdin), out: bufio.NewScanner(stdout)})
	}
	total := 0
	for _, nd := range all {
		line, err := nd.ask("ready")
		if err != nil {
			return err
		}
		k, _ := strconv.Atoi(strings.TrimPrefix(line, "ready "))
		total += k
	}
	log.Printf("clusterbench: %d connections on %d nodes in %.1fs", total, len(all), time.Since(start).Seconds())
	time.Sleep(3 * time.Second)
	rss1 := sumRSS(pids)
	log.Printf("clusterbench: servers' RSS %d KiB -> %d KiB = %.1f KiB/conn", rss0, rss1, float64(rss1-rss0)/float64(total))
	if sc.rooms > 0 {
		return orchestrateRooms(all, pids, red, sc.rooms, sc.members, sc.hosts, reps)
	}
	var lasts, cpus, rcpus []float64
	for r := range reps {
		cpu0, rcpu0 := sumCPU(pids), sumCPU(red.pids)
		t := time.Now().UnixNano()
		reply, err := all[0].ask(fmt.Sprintf("send %d %d", r, t))
		if err != nil {
			return err
		}
		if reply != "sent <nil>" {
			log.Printf("clusterbench: broadcast %d: %s", r, reply)
		}
		got, last, err := waitCounts(all, r, total, 30*time.Second)
		if err != nil {
			return err
		}
		ms, cpu, rcpu := float64(last-t)/1e6, float64(sumCPU(pids)-cpu0)/1e6, float64(sumCPU(red.pids)-rcpu0)/1e6
		lasts, cpus, rcpus = append(lasts, ms), append(cpus, cpu), append(rcpus, rcpu)
		log.Printf("clusterbench: broadcast %d: %d/%d received, last %.1f ms, servers' CPU %.1f ms, Redis CPU %.1f ms", r, got, total, ms, cpu, rcpu)
		time.Sleep(time.Second)
	}
	cpu := median(cpus)
	log.Printf("clusterbench: median emit→last receipt %.1f ms over %d broadcasts; servers' CPU per broadcast %.0f ms (%.1f µs per delivery, %.0f deliveries/s); Redis CPU %.0f ms; servers' RSS after %d KiB",
		median(lasts), len(lasts), cpu, cpu*1000/float64(total), float64(total)/(median(lasts)/1000), median(rcpus), sumRSS(pids))
	return nil
}
