package interop_test

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/internal/testenv"
)

// The msgpack parser against the real clients: socket.io-client 4.8 with
// socket.io-msgpack-parser 3.0.2, and python-socketio with
// serializer="msgpack". The same steps as with the JSON parser, the same
// output: handlers do not know which parser a client speaks.

func TestNodeMsgpack(t *testing.T) {
	for _, c := range []struct{ name, transports, final string }{
		{"websocket", "websocket", "websocket"},
		{"polling", "polling", "polling"},
		{"upgrade", "polling,websocket", "websocket"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := newServerWith(t, 0, app.ParserMsgpack)
			l := run(t, testenv.RunNode, srv, "js/wire_basic.js", "TRANSPORTS="+c.transports, "PARSER=msgpack")
			checkBasic(t, srv, l, c.final, "client namespace disconnect")
		})
	}
}

func TestPythonMsgpack(t *testing.T) {
	for _, transport := range []string{"polling", "websocket"} {
		t.Run(transport, func(t *testing.T) {
			srv := newServerWith(t, 0, app.ParserMsgpack)
			l := run(t, testenv.RunPython, srv, "wire_basic.py", "TRANSPORT="+transport, "SERIALIZER=msgpack")
			checkBasic(t, srv, l, transport, pythonReasons(transport)...)
		})
	}
}

// TestNodeMsgpackConformance runs the Node client with the msgpack parser
// against examples/conformance started with PARSER=msgpack: connect with
// auth, nested objects and binary both ways, acks, on each transport and
// through the upgrade.
func TestNodeMsgpackConformance(t *testing.T) {
	testenv.Node(t)
	addr := startConformance(t, "PARSER=msgpack")
	srv := &server{t: t, url: "http://" + addr}
	for _, c := range []struct{ name, transports, final string }{
		{"websocket", "websocket", "websocket"},
		{"polling", "polling", "polling"},
		{"upgrade", "polling,websocket", "websocket"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := run(t, testenv.RunNode, srv, "js/wire_basic.js",
				"TRANSPORTS="+c.transports, "PARSER=msgpack", "CONFORMANCE=1")
			l.expect("connected", `{"id":true}`)
			for _, s := range basicSteps {
				if s.step != "question" && s.step != "answer-was" && s.step != "whoami" {
					l.expect(s.step, s.want)
				}
			}
			l.expect("transport", `"`+c.final+`"`)
		})
	}
}

// startConformance builds and runs examples/conformance on a free port
// with env, and returns its address once it accepts connections.
func startConformance(t *testing.T, env ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "conformance")
	build := exec.Command("go", "build", "-o", bin, "./examples/conformance")
	build.Dir = testenv.Root()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(append(os.Environ(), "PORT="+port), env...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("conformance server output:\n%s", out.String())
		}
	})
	addr := "127.0.0.1:" + port
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("conformance server not listening on %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
