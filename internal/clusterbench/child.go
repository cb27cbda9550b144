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

// conn is one client; mu serialises its writes (pongs from its reader,
// commands from stdin).
type conn struct {
	ws     *websocket.Conn
	mu     sync.Mutex
	joined chan struct{} // closed when the ack of its join arrives
}

func (c *conn) write(msg string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ws.WriteMessage(websocket.TextMessage, []byte(msg))
}

// runChild opens n websocket clients to addr, answers pings, counts the
// "msg" packets it receives and takes commands on stdin:
//
//	ready                    → ready N (connections open)
//	send SEQ T               → the first client emits broadcast {seq,t}
//	join NODE NODES R K H    → room-heavy layout (see roomLayout): this
//	                           child's clients join their rooms; → joined M
//	roomcast NODE NODES R K H SEQ T → one roomcast per room this child sends
//	count SEQ                → count N LAST (receipts of SEQ, last at ns)
func runChild(addr string, n int, src string, srcn int) {
	var c counts
	conns := make([]*conn, 0, n)
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
			cn := &conn{ws: ws, joined: make(chan struct{})}
			mu.Lock()
			conns = append(conns, cn)
			mu.Unlock()
			// Read (and answer pings) at once: connecting them all may
			// take longer than a ping interval and timeout.
			go read(cn, &c)
		})
	}
	wg.Wait()
	var layout *roomLayout
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		switch {
		case len(f) == 1 && f[0] == "ready":
			fmt.Printf("ready %d\n", len(conns))
		case len(f) == 3 && f[0] == "send":
			err := conns[0].write(fmt.Sprintf(`42["broadcast",{"seq":%s,"t":%s,"pad":"%s"}]`, f[1], f[2], strings.Repeat("x", 50)))
			fmt.Printf("sent %v\n", err)
		case len(f) == 6 && f[0] == "join":
			layout = parseLayout(f[1:])
			fmt.Printf("joined %d\n", joinRooms(conns, layout))
		case len(f) == 8 && f[0] == "roomcast" && layout != nil:
			fmt.Printf("sent %d\n", roomcast(conns, layout, f[6], f[7]))
		case len(f) == 2 && f[0] == "count":
			seq, _ := strconv.Atoi(f[1])
			if seq < 0 || seq >= maxSeq {
				seq = 0
			}
			fmt.Printf("count %d %d\n", c.n[seq].Load(), c.last[seq].Load())
		default:
			fmt.Printf("unknown command %q\n", in.Text())
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

// read answers pings, notes the ack of its join and counts "msg" packets
// until the connection ends.
func read(cn *conn, c *counts) {
	for {
		_, m, err := cn.ws.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now().UnixNano()
		switch {
		case len(m) == 1 && m[0] == '2':
			cn.write("3")
		case bytes.HasPrefix(m, []byte("43")):
			close(cn.joined)
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
