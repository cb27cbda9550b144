package main

import (
	"bufio"
	"bytes"
	"fmt"
	"log"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

const maxSeq = 64

// counts are the receipts of each broadcast seq on this process.
type counts struct {
	n    [maxSeq]atomic.Int64
	last [maxSeq]atomic.Int64
}

func (c *counts) record(seq int, now int64) {
	if seq < 0 || seq >= maxSeq {
		return
	}
	c.n[seq].Add(1)
	for {
		old := c.last[seq].Load()
		if now <= old || c.last[seq].CompareAndSwap(old, now) {
			return
		}
	}
}

// runChild opens n websocket clients to addr, answers pings, counts the
// "msg" broadcasts it receives and takes commands on stdin: ready, send
// SEQ T, count SEQ.
func runChild(addr string, n int, src string, srcn int) {
	var c counts
	conns := make([]*websocket.Conn, 0, n)
	var wmu sync.Mutex // the sender's conn is written by the reader (pongs) and by send
	sem := make(chan struct{}, 50)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			ip := fmt.Sprintf("%s.%d", src, i%srcn+1)
			ws, err := dial(addr, ip)
			if err != nil {
				log.Printf("child %s: dial %d: %v", addr, i, err)
				return
			}
			mu.Lock()
			conns = append(conns, ws)
			first := len(conns) == 1
			mu.Unlock()
			// Read (and answer pings) at once: connecting them all may
			// take longer than a ping interval and timeout.
			go read(ws, &c, first, &wmu)
		})
	}
	wg.Wait()
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		switch {
		case len(f) == 1 && f[0] == "ready":
			fmt.Printf("ready %d\n", len(conns))
		case len(f) == 3 && f[0] == "send":
			msg := fmt.Sprintf(`42["broadcast",{"seq":%s,"t":%s,"pad":"%s"}]`, f[1], f[2], strings.Repeat("x", 50))
			wmu.Lock()
			err := conns[0].WriteMessage(websocket.TextMessage, []byte(msg))
			wmu.Unlock()
			fmt.Printf("sent %v\n", err)
		case len(f) == 2 && f[0] == "count":
			seq, _ := strconv.Atoi(f[1])
			if seq < 0 || seq >= maxSeq {
				seq = 0
			}
			fmt.Printf("count %d %d\n", c.n[seq].Load(), c.last[seq].Load())
		}
	}
}

func dial(addr, ip string) (*websocket.Conn, error) {
	d := websocket.Dialer{
		NetDial: func(network, a string) (net.Conn, error) {
			nd := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
			return nd.Dial(network, a)
		},
		ReadBufferSize: 1024, WriteBufferSize: 1024, HandshakeTimeout: 10 * time.Second,
	}
	ws, _, err := d.Dial("ws://"+addr+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, m, err := ws.ReadMessage(); err != nil || len(m) == 0 || m[0] != '0' {
		ws.Close()
		return nil, fmt.Errorf("open packet: %q %v", m, err)
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte("40")); err != nil {
		ws.Close()
		return nil, err
	}
	if _, m, err := ws.ReadMessage(); err != nil || !bytes.HasPrefix(m, []byte("40")) {
		ws.Close()
		return nil, fmt.Errorf("connect reply: %q %v", m, err)
	}
	ws.SetReadDeadline(time.Time{})
	return ws, nil
}

var seqKey = []byte(`"seq":`)

// read answers pings and counts broadcasts until the connection ends.
func read(ws *websocket.Conn, c *counts, shared bool, wmu *sync.Mutex) {
	for {
		_, m, err := ws.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now().UnixNano()
		switch {
		case len(m) == 1 && m[0] == '2':
			if shared {
				wmu.Lock()
			}
			ws.WriteMessage(websocket.TextMessage, []byte("3"))
			if shared {
				wmu.Unlock()
			}
		case bytes.HasPrefix(m, []byte(`42["msg",`)):
			i := bytes.Index(m, seqKey)
			if i < 0 {
				continue
			}
			j := i + len(seqKey)
			k := j
			for k < len(m) && m[k] >= '0' && m[k] <= '9' {
				k++
			}
			seq, _ := strconv.Atoi(string(m[j:k]))
			c.record(seq, now)
		}
	}
}
