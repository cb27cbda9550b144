// Package run starts an example program for its test: it builds the
// example's main package, runs it on a free port of 127.0.0.1 (PORT) and
// stops it when the test ends. Node runs the example's JavaScript client
// with the real socket.io-client from interop/node_modules.
package run

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socketeer/socketeer/internal/testenv"
)

// Server is a running example program.
type Server struct {
	// URL is the program's address, like http://127.0.0.1:40123.
	URL string

	mu  sync.Mutex
	out bytes.Buffer
}

// Write collects the program's output.
func (s *Server) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.Write(p)
}

// Output returns what the program printed so far, stdout and stderr.
func (s *Server) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// Start builds the main package in dir, runs it with PORT set to a free
// port and the extra env entries, and waits until it printed ready. The
// program is interrupted and waited for when the test ends.
func Start(t *testing.T, dir, ready string, env ...string) *Server {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "example")
	build := exec.Command(goTool(), "build", "-o", bin, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
	port := freePort(t)
	s := &Server{URL: "http://127.0.0.1:" + port}
	cmd := exec.Command(bin)
	cmd.Env = append(append(os.Environ(), "PORT="+port), env...)
	cmd.Stdout, cmd.Stderr = s, s
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		t.Logf("%s output:\n%s", dir, s.Output())
	})
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(s.Output(), ready) {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("the example exited (%v) before printing %q:\n%s", err, ready, s.Output())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the example did not print %q in 30s:\n%s", ready, s.Output())
		}
	}
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second)
		if err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("the example does not accept connections on port %s: %v\n%s", port, err, s.Output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Node runs the JavaScript file script of the test's package directory
// with node, resolving require("socket.io-client") from
// interop/node_modules, and returns its output. It fails the test when
// the script fails; it skips it (or fails, when required) without node.
func Node(t *testing.T, ctx context.Context, script string, env ...string) string {
	t.Helper()
	abs, err := filepath.Abs(script)
	if err != nil {
		t.Fatal(err)
	}
	env = append(env, "NODE_PATH="+filepath.Join(testenv.InteropDir(), "node_modules"))
	out, err := testenv.RunNode(t, ctx, abs, env...)
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, out)
	}
	return string(out)
}

// freePort returns a port of 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// goTool returns the go command that runs this test.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}
