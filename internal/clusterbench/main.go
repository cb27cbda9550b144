// Command clusterbench measures one broadcast reaching every socket of a
// Socketeer cluster: several nodes on one Redis (examples/bench with
// REDIS_URL), each holding as many idle websocket clients as one process
// may open (these machines cap every process at 20,000 files). It starts
// one client process per node, lets the first one emit `broadcast`, and
// times the emit to the last receipt on any node. Loopback only.
//
//	go run ./internal/clusterbench -nodes 127.0.0.1:4001,127.0.0.1:4002 -per 19500 -pids 101,102
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
	src := flag.String("src", "127.60.1", "child: source addresses <src>.1 … <src>.<srcn>")
	srcn := flag.Int("srcn", 4, "child: number of source addresses")
	nodes := flag.String("nodes", "", "comma-separated host:port of the nodes")
	per := flag.Int("per", 19500, "connections per node")
	pids := flag.String("pids", "", "comma-separated server PIDs, for RSS and CPU")
	reps := flag.Int("reps", 5, "broadcasts to all")
	flag.Parse()
	if *child {
		runChild(*addr, *n, *src, *srcn)
		return
	}
	if err := orchestrate(strings.Split(*nodes, ","), *per, parsePIDs(*pids), *reps); err != nil {
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

func orchestrate(addrs []string, per int, pids []int, reps int) error {
	for _, a := range addrs {
		if host, _, err := net.SplitHostPort(a); err != nil || !net.ParseIP(host).IsLoopback() {
			return fmt.Errorf("node %q: loopback host:port only", a)
		}
	}
	rss0 := sumRSS(pids)
	start := time.Now()
	var all []*node
	for i, a := range addrs {
		cmd := exec.Command(os.Args[0], "-child", "-addr", a, "-n", strconv.Itoa(per), "-src", fmt.Sprintf("127.60.%d", i+1))
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
	var lasts, cpus []float64
	for r := range reps {
		cpu0 := sumCPU(pids)
		t := time.Now().UnixNano()
		reply, err := all[0].ask(fmt.Sprintf("send %d %d", r, t))
		if err != nil {
			return err
		}
		if reply != "sent <nil>" {
			log.Printf("clusterbench: broadcast %d: %s", r, reply)
		}
		got, last := 0, int64(0)
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			got, last = 0, 0
			for _, nd := range all {
				line, err := nd.ask(fmt.Sprintf("count %d", r))
				if err != nil {
					return err
				}
				var c int
				var l int64
				fmt.Sscanf(line, "count %d %d", &c, &l)
				got += c
				last = max(last, l)
			}
			if got >= total {
				break
			}
		}
		ms, cpu := float64(last-t)/1e6, float64(sumCPU(pids)-cpu0)/1e6
		lasts, cpus = append(lasts, ms), append(cpus, cpu)
		log.Printf("clusterbench: broadcast %d: %d/%d received, last %.1f ms, servers' CPU %.1f ms", r, got, total, ms, cpu)
		time.Sleep(time.Second)
	}
	cpu := median(cpus)
	log.Printf("clusterbench: median emit→last receipt %.1f ms over %d broadcasts; servers' CPU per broadcast %.0f ms (%.1f µs per delivery, %.0f deliveries/s); servers' RSS after %d KiB",
		median(lasts), len(lasts), cpu, cpu*1000/float64(total), float64(total)/(median(lasts)/1000), sumRSS(pids))
	return nil
}
