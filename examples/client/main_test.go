package main

import (
	"bytes"
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/socketeer/socketeer/examples/internal/run"
	"github.com/socketeer/socketeer/internal/testenv"
)

// wantSummary is the last line of a run where every check passed.
var wantSummary = regexp.MustCompile(`(?m)^(\d+) passed, 0 failed$`)

// runClient builds this program and runs it against url.
func runClient(t *testing.T, url string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "client")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-url", url).CombinedOutput()
	if err != nil || !wantSummary.Match(out) {
		t.Fatalf("examples/client -url %s: %v\n%s", url, err, out)
	}
	if n := len(regexp.MustCompile(`(?m)^ok `).FindAll(out, -1)); n < 24 {
		t.Errorf("only %d checks passed:\n%s", n, out)
	}
	return string(out)
}

// TestAgainstSocketeer runs the checks against examples/conformance.
func TestAgainstSocketeer(t *testing.T) {
	srv := run.Start(t, "../conformance", "conformance server on")
	t.Log(runClient(t, srv.URL))
}

// TestAgainstPeers runs the checks against Node's socket.io 4.8
// (interop/js/conformance_server.js) and python-socketio's server
// (interop/python/conformance_server.py), each following conformance.md.
func TestAgainstPeers(t *testing.T) {
	for _, peer := range []struct {
		name   string
		check  func(testing.TB) string
		runner func(testing.TB, context.Context, string, ...string) ([]byte, error)
		script string
	}{
		{"node", testenv.Node, testenv.RunNode, "js/conformance_server.js"},
		{"python", testenv.Python, testenv.RunPython, "conformance_server.py"},
	} {
		t.Run(peer.name, func(t *testing.T) {
			peer.check(t)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
			ln.Close()
			ctx, cancel := context.WithCancel(context.Background())
			exited := make(chan []byte, 1)
			go func() {
				out, _ := peer.runner(t, ctx, peer.script, "PORT="+port)
				exited <- out
			}()
			defer func() {
				cancel()
				t.Logf("%s server output:\n%s", peer.name, <-exited)
			}()
			deadline := time.Now().Add(20 * time.Second)
			for {
				c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second)
				if err == nil {
					c.Close()
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the %s server does not listen: %v", peer.name, err)
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Log(runClient(t, "http://127.0.0.1:"+port))
		})
	}
}

func TestBadParser(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runChecks([]string{"-parser", "msgpack"}, &out, &errOut); code != 2 {
		t.Errorf("exit %d, want 2 (%s)", code, errOut.String())
	}
}
