package main

import (
	"fmt"
	"log"
	"strconv"
	"strings"
	"time"
)

// roomLayout places R rooms of K members over the nodes: room r lives on
// H nodes, r mod N and the H-1 after it, with K/H of its members on each
// (the first ones take the remainder). Each node then hosts H/N of the
// rooms, which is what a per-room subscription (the sharded adapter's
// dynamic mode) can exploit: a node needs only the rooms it hosts.
type roomLayout struct {
	node, nodes, rooms, members, hosts int
	senders                            map[int]*conn // room → the member that sends its roomcast
}

func parseLayout(f []string) *roomLayout {
	v := make([]int, len(f))
	for i, s := range f {
		v[i], _ = strconv.Atoi(s)
	}
	l := &roomLayout{node: v[0], nodes: max(v[1], 1), rooms: v[2], members: v[3], hosts: max(v[4], 1)}
	l.hosts = min(l.hosts, l.nodes)
	return l
}

func (l *roomLayout) args() string {
	return fmt.Sprintf("%d %d %d %d %d", l.node, l.nodes, l.rooms, l.members, l.hosts)
}

// here returns how many members of room r this node holds (0 when it does
// not host r).
func (l *roomLayout) here(r int) int {
	h := ((l.node-r)%l.nodes + l.nodes) % l.nodes
	if h >= l.hosts {
		return 0
	}
	n := l.members / l.hosts
	if h < l.members%l.hosts {
		n++
	}
	return n
}

// joinRooms spreads this node's memberships over conns round robin, sends
// each client's join and waits for every ack; it returns the memberships.
func joinRooms(conns []*conn, l *roomLayout) int {
	if len(conns) == 0 {
		return 0
	}
	rooms := make([][]string, len(conns))
	l.senders = make(map[int]*conn)
	total := 0
	for r := range l.rooms {
		for range l.here(r) {
			i := total % len(conns)
			if _, ok := l.senders[r]; !ok {
				l.senders[r] = conns[i]
			}
			rooms[i] = append(rooms[i], "r"+strconv.Itoa(r))
			total++
		}
	}
	for i, rs := range rooms {
		if len(rs) == 0 {
			continue
		}
		if err := conns[i].write(`420["join",["` + strings.Join(rs, `","`) + `"]]`); err != nil {
			log.Printf("child: join: %v", err)
		}
	}
	deadline := time.After(2 * time.Minute)
	for i, rs := range rooms {
		if len(rs) == 0 {
			continue
		}
		select {
		case <-conns[i].joined:
		case <-deadline:
			log.Printf("child: join acks missing after 2 minutes")
			return -1
		}
	}
	return total
}

// roomcast sends one roomcast per room whose first host is this node,
// from a member of it, and returns how many it sent.
func roomcast(conns []*conn, l *roomLayout, seq, t string) int {
	sent := 0
	for r := range l.rooms {
		if r%l.nodes != l.node {
			continue
		}
		c := l.senders[r]
		if c == nil {
			continue
		}
		if err := c.write(fmt.Sprintf(`42["roomcast","r%d",{"seq":%s,"t":%s}]`, r, seq, t)); err != nil {
			log.Printf("child: roomcast r%d: %v", r, err)
			continue
		}
		sent++
	}
	return sent
}

// orchestrateRooms is the room-heavy run: the children join rooms per the
// layout, then each repetition sends one message per room and waits for
// every member's receipt, measuring the servers' CPU, Redis's CPU and the
// bytes each node received from Redis.
func orchestrateRooms(all []*node, pids []int, red *redisServers, rooms, members, hosts, reps int) error {
	want := 0
	for i, nd := range all {
		l := &roomLayout{node: i, nodes: len(all), rooms: rooms, members: members, hosts: hosts}
		line, err := nd.ask("join " + l.args())
		if err != nil {
			return err
		}
		k, _ := strconv.Atoi(strings.TrimPrefix(line, "joined "))
		if k < 0 {
			return fmt.Errorf("node %s: joins not acknowledged", nd.addr)
		}
		want += k
	}
	log.Printf("clusterbench: %d rooms × %d members on %d of %d nodes each: %d memberships", rooms, members, min(hosts, len(all)), len(all), want)
	var lasts, cpus, rcpus []float64
	perNode := make([][]float64, len(all))
	for r := range reps {
		cpu0, rcpu0, in0 := sumCPU(pids), sumCPU(red.pids), red.received(pids)
		t := time.Now().UnixNano()
		for i, nd := range all {
			l := &roomLayout{node: i, nodes: len(all), rooms: rooms, members: members, hosts: hosts}
			if _, err := nd.ask(fmt.Sprintf("roomcast %s %d %d", l.args(), r, t)); err != nil {
				return err
			}
		}
		got, last, err := waitCounts(all, r, want, time.Minute)
		if err != nil {
			return err
		}
		in1 := red.received(pids)
		ms := float64(last-t) / 1e6
		cpu, rcpu := float64(sumCPU(pids)-cpu0)/1e6, float64(sumCPU(red.pids)-rcpu0)/1e6
		lasts, cpus, rcpus = append(lasts, ms), append(cpus, cpu), append(rcpus, rcpu)
		var kb []string
		for i, pid := range pids {
			if i < len(all) {
				b := float64(in1[pid]-in0[pid]) / 1024
				perNode[i] = append(perNode[i], b)
				kb = append(kb, fmt.Sprintf("%.0f", b))
			}
		}
		log.Printf("clusterbench: rooms %d: %d/%d received, last %.1f ms, servers' CPU %.1f ms, Redis CPU %.1f ms, KiB from Redis per node [%s]",
			r, got, want, ms, cpu, rcpu, strings.Join(kb, " "))
		time.Sleep(time.Second)
	}
	var med []string
	for _, xs := range perNode {
		if len(xs) > 0 {
			med = append(med, fmt.Sprintf("%.0f", median(xs)))
		}
	}
	log.Printf("clusterbench: rooms summary: median first send→last receipt %.1f ms; servers' CPU %.0f ms (%.1f µs per delivery); Redis CPU %.0f ms; KiB received from Redis per node [%s] for %d messages",
		median(lasts), median(cpus), median(cpus)*1000/float64(want), median(rcpus), strings.Join(med, " "), rooms)
	return nil
}

// waitCounts polls the children until want receipts of seq arrived or
// limit passed; it returns the receipts and the latest one's time.
func waitCounts(all []*node, seq, want int, limit time.Duration) (got int, last int64, err error) {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		got, last = 0, 0
		for _, nd := range all {
			line, err := nd.ask(fmt.Sprintf("count %d", seq))
			if err != nil {
				return 0, 0, err
			}
			var c int
			var l int64
			fmt.Sscanf(line, "count %d %d", &c, &l)
			got += c
			last = max(last, l)
		}
		if got >= want {
			break
		}
	}
	return got, last, nil
}
