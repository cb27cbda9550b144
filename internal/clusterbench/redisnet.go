package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// redisServers are the Redis processes of a run (one, or a cluster's),
// found by the ports they listen on.
type redisServers struct {
	ports map[int]bool
	pids  []int
}

var pidRE = regexp.MustCompile(`pid=(\d+)`)

// findRedis looks up the process listening on each of addrs (host:port,
// loopback) with ss. Addresses with no listener found are an error.
func findRedis(addrs []string) (*redisServers, error) {
	r := &redisServers{ports: make(map[int]bool)}
	for _, a := range addrs {
		if a == "" {
			continue
		}
		_, p, err := net.SplitHostPort(strings.TrimPrefix(a, "redis://"))
		if err != nil {
			return nil, fmt.Errorf("redis address %q: %w", a, err)
		}
		port, _ := strconv.Atoi(strings.SplitN(p, "/", 2)[0])
		out, err := exec.Command("ss", "-Htlnp", fmt.Sprintf("( sport = :%d )", port)).Output()
		if err != nil {
			return nil, fmt.Errorf("ss: %w", err)
		}
		m := pidRE.FindSubmatch(out)
		if m == nil {
			return nil, fmt.Errorf("no process listens on port %d", port)
		}
		pid, _ := strconv.Atoi(string(m[1]))
		r.ports[port] = true
		r.pids = append(r.pids, pid)
	}
	return r, nil
}

// received returns, per server PID, the bytes its TCP connections to the
// Redis servers have received (ss's bytes_received).
func (r *redisServers) received(pids []int) map[int]int64 {
	out := make(map[int]int64)
	if r == nil || len(r.ports) == 0 {
		return out
	}
	want := make(map[int]bool, len(pids))
	for _, p := range pids {
		want[p] = true
	}
	b, err := exec.Command("ss", "-Htinp").Output()
	if err != nil {
		return out
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	pid := 0
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, " ") {
			pid = 0
			f := strings.Fields(line)
			if len(f) < 5 {
				continue
			}
			_, p, err := net.SplitHostPort(f[4])
			port, _ := strconv.Atoi(p)
			if err != nil || !r.ports[port] {
				continue
			}
			if m := pidRE.FindStringSubmatch(line); m != nil {
				if p, _ := strconv.Atoi(m[1]); want[p] {
					pid = p
				}
			}
			continue
		}
		if pid == 0 {
			continue
		}
		if _, rest, ok := strings.Cut(line, "bytes_received:"); ok {
			n, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			out[pid] += n
		}
	}
	return out
}
