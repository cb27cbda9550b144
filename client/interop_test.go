package client_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/client"
	"github.com/socketeer/socketeer/internal/clientcheck"
	"github.com/socketeer/socketeer/internal/testenv"
)

// runner is testenv.RunNode or testenv.RunPython.
type runner func(t testing.TB, ctx context.Context, script string, env ...string) ([]byte, error)

// script is a conformance server run by Node or Python.
type script struct {
	t      *testing.T
	run    runner
	path   string
	port   int
	cancel context.CancelFunc
	exited chan struct{}
	out    []byte
}

// startScript runs the server script on port (0: any) and waits until it
// listens. It is stopped at the end of the test.
func startScript(t *testing.T, check func(testing.TB) string, run runner, path string, port int) *script {
	t.Helper()
	check(t) // on the test goroutine: it may skip the test
	sc := &script{t: t, run: run, path: path}
	sc.start(port)
	t.Cleanup(sc.stop)
	return sc
}

func (sc *script) start(port int) {
	sc.t.Helper()
	portFile := filepath.Join(sc.t.TempDir(), "port")
	ctx, cancel := context.WithCancel(context.Background())
	sc.cancel, sc.exited = cancel, make(chan struct{})
	go func() {
		defer close(sc.exited)
		sc.out, _ = sc.run(sc.t, ctx, sc.path, "PORT="+strconv.Itoa(port), "PORT_FILE="+portFile)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if b, err := os.ReadFile(portFile); err == nil && len(b) > 0 {
			if sc.port, err = strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				return
			}
		}
		select {
		case <-sc.exited:
			sc.t.Fatalf("%s exited before listening: %s", sc.path, sc.out)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			sc.stop()
			sc.t.Fatalf("%s did not listen within 20s", sc.path)
		}
	}
}

// stop kills the script and waits for it.
func (sc *script) stop() {
	sc.cancel()
	<-sc.exited
}

func (sc *script) url() string { return "http://127.0.0.1:" + strconv.Itoa(sc.port) }

// servers are the foreign servers of the interop tests.
var servers = []struct {
	name   string
	check  func(testing.TB) string
	run    runner
	script string
}{
	{"node", testenv.Node, testenv.RunNode, "js/conformance_server.js"},
	{"python", testenv.Python, testenv.RunPython, "conformance_server.py"},
}

func TestInteropConformance(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			sc := startScript(t, srv.check, srv.run, srv.script, 0)
			for _, mode := range clientcheck.Modes() {
				for _, c := range clientcheck.Checks() {
					t.Run(mode.Name+"/"+c.Name, func(t *testing.T) {
						ctx := timeout(t, 10*time.Second)
						if err := c.Run(ctx, sc.url(), client.Options{Transports: mode.Transports, NoReconnect: true}); err != nil {
							t.Fatal(err)
						}
					})
				}
			}
		})
	}
}

// TestInteropReconnect restarts the foreign server under a connected
// client, which must reconnect and go on.
func TestInteropReconnect(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			sc := startScript(t, srv.check, srv.run, srv.script, 0)
			reconnected := make(chan int, 1)
			m := manager(t, sc.url(), client.Options{
				ReconnectDelay: 100 * time.Millisecond, ReconnectDelayMax: 200 * time.Millisecond,
				OnReconnect: func(n int) { reconnected <- n },
			})
			s := m.Socket("/", client.SocketOptions{Auth: map[string]int{"n": 7}})
			auths := make(chan string, 2)
			s.On("auth", func(a map[string]int) { auths <- strconv.Itoa(a["n"]) })
			reasons := make(chan string, 1)
			s.OnDisconnect(func(r string) { reasons <- r })
			ctx := timeout(t, 30*time.Second)
			if err := s.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			recv(t, auths, "auth")
			port := sc.port
			sc.stop()
			t.Logf("disconnect reason: %s", recv(t, reasons, "disconnect"))
			sc.start(port)
			recv(t, reconnected, "reconnect")
			if a := recv(t, auths, "auth after reconnecting"); a != "7" {
				t.Errorf("auth after reconnecting: n=%s", a)
			}
			r, err := s.EmitWithAck(ctx, "message-with-ack", "again")
			if err != nil {
				t.Fatal(err)
			}
			if got, err := clientcheckString(r); err != nil || got != "again" {
				t.Errorf("ack after reconnecting %q, %v", got, err)
			}
		})
	}
}

func clientcheckString(r client.Reply) (string, error) {
	var s string
	err := r.Decode(&s)
	return s, err
}
