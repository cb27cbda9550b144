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
	"syscall"
	"testing"
	"time"

	"github.com/socketeer/socketeer/internal/testenv"
)

// Server is a running example program.
type Server struct {
	// URL is the program's address, like http://127.0.0.1:40123.
	URL string

	cmd  *exec.Cmd
	done chan error // the program's exit, once

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
	return StartBinary(t, Build(t, dir), ready, env...)
}

// Build builds the main package in dir and returns the program's path.
func Build(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "example")
	build := exec.Command(goTool(), "build", "-o", bin, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
	return bin
}

// StartBinary runs the program bin (made by Build) as Start does.
func StartBinary(t *testing.T, bin, ready string, env ...string) *Server {
	t.Helper()
	port := FreePort(t)
	s := &Server{URL: "http://127.0.0.1:" + port, cmd: exec.Command(bin), done: make(chan error, 1)}
	s.cmd.Env = append(append(os.Environ(), "PORT="+port), env...)
	s.cmd.Stdout, s.cmd.Stderr = s, s
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		s.cmd.Process.Signal(os.Interrupt)
		s.wait(5 * time.Second)
		t.Logf("%s output:\n%s", bin, s.Output())
	})
	s.waitReady(t, ready, port)
	return s
}

// waitReady waits until the program printed ready and accepts
// connections on port.
func (s *Server) waitReady(t *testing.T, ready, port string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(s.Output(), ready) {
		select {
		case err := <-s.done:
			s.done <- err
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
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the example does not accept connections on port %s: %v\n%s", port, err, s.Output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill kills the program (SIGKILL, as a crash or an OOM kill would end
// it) and waits for it to exit.
func (s *Server) Kill() {
	s.cmd.Process.Kill()
	s.wait(5 * time.Second)
}

// Stop stops the program as a rolling restart or an orchestrator would
// (SIGTERM), waits up to 20s for it to exit, then kills it, and returns
// its exit: nil when it shut down cleanly in time.
func (s *Server) Stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.wait(20 * time.Second)
	err := <-s.done
	s.done <- err
	return err
}

// wait waits up to d for the program to exit, then kills it; the exit
// stays readable for later waits.
func (s *Server) wait(d time.Duration) {
	select {
	case err := <-s.done:
		s.done <- err
	case <-time.After(d):
		s.cmd.Process.Kill()
		err := <-s.done
		s.done <- err
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

// FreePort returns a port of 127.0.0.1 that was free a moment ago.
func FreePort(t *testing.T) string {
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
