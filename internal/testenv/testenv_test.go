package testenv

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRootFindsGoMod(t *testing.T) {
	root := Root()
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatalf("Root() = %q, but reading its go.mod: %v", root, err)
	}
	if got := modulePath(data); got != ModulePath {
		t.Fatalf("go.mod in Root() %q declares module %q, want %q", root, got, ModulePath)
	}
	if _, err := os.Stat(filepath.Join(root, "internal", "testenv", "testenv.go")); err != nil {
		t.Fatalf("Root() %q does not hold internal/testenv/testenv.go: %v", root, err)
	}
	if got, want := InteropDir(), filepath.Join(root, "interop"); got != want {
		t.Fatalf("InteropDir() = %q, want %q", got, want)
	}
}

func TestModulePath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"module github.com/socketeer/socketeer\n\ngo 1.26.0\n", ModulePath},
		{"// comment\nmodule   example.com/x // trailing\n", "example.com/x"},
		{"module \"example.com/quoted\"\n", "example.com/quoted"},
		{"modules example.com/no\n", ""},
		{"go 1.26\n", ""},
	} {
		if got := modulePath([]byte(tc.in)); got != tc.want {
			t.Errorf("modulePath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// fakeTB records how a helper stopped the test instead of stopping it.
type fakeTB struct {
	testing.TB
	fatal, skipped bool
	msg            string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = true
	f.msg = format
	runtime.Goexit()
}

func (f *fakeTB) Skip(args ...any) {
	f.skipped = true
	if len(args) > 0 {
		f.msg, _ = args[0].(string)
	}
	runtime.Goexit()
}

// call runs fn with a fakeTB on its own goroutine, as the testing package
// runs a test, so that Fatalf and Skip can end it with runtime.Goexit.
func call(t *testing.T, fn func(testing.TB) string) (*fakeTB, string) {
	f := &fakeTB{TB: t}
	var got string
	done := make(chan struct{})
	go func() {
		defer close(done)
		got = fn(f)
	}()
	<-done
	return f, got
}

// closedAddr returns a loopback address on which nothing listens.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// fakeRedis serves one connection at a time, answering every request line
// that ends a RESP command with reply.
func fakeRedis(t *testing.T, reply string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			r := bufio.NewReader(c)
			// *1 $4 PING: three lines.
			for range 3 {
				if _, err := r.ReadString('\n'); err != nil {
					break
				}
			}
			c.Write([]byte(reply))
			c.Close()
		}
	}()
	return ln.Addr().String()
}

func TestRedisAddrOverride(t *testing.T) {
	addr := fakeRedis(t, "+PONG\r\n")
	t.Setenv(RedisAddrEnv, addr)
	f, got := call(t, RedisAddr)
	if f.fatal || f.skipped || got != addr {
		t.Fatalf("RedisAddr with a PONG server at %s = %q (fatal=%v skipped=%v %s)", addr, got, f.fatal, f.skipped, f.msg)
	}
}

func TestRedisAddrMissingSkipsOrFails(t *testing.T) {
	for _, tc := range []struct {
		name string
		addr string
	}{
		{"closed port", closedAddr(t)},
		{"wrong reply", fakeRedis(t, "-NOAUTH Authentication required.\r\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(RedisAddrEnv, tc.addr)

			t.Setenv(RequireEnv, "")
			f, got := call(t, RedisAddr)
			if !f.skipped || f.fatal || got != "" {
				t.Errorf("without %s: skipped=%v fatal=%v got=%q, want a skip", RequireEnv, f.skipped, f.fatal, got)
			}
			if !strings.Contains(f.msg, "start one with scripts/redis.sh") {
				t.Errorf("skip message %q does not say to run scripts/redis.sh", f.msg)
			}

			t.Setenv(RequireEnv, "1")
			f, got = call(t, RedisAddr)
			if !f.fatal || f.skipped || got != "" {
				t.Errorf("with %s=1: skipped=%v fatal=%v got=%q, want a failure", RequireEnv, f.skipped, f.fatal, got)
			}
		})
	}
}

func TestChromiumArgs(t *testing.T) {
	a := ChromiumArgs("")
	for _, want := range []string{"--headless", "--no-sandbox", "--disable-background-networking"} {
		if !slices.Contains(a, want) {
			t.Errorf("ChromiumArgs(\"\") = %q, missing %s", a, want)
		}
	}
	b := ChromiumArgs("/tmp/profile")
	if got := b[len(b)-1]; got != "--user-data-dir=/tmp/profile" {
		t.Errorf("ChromiumArgs(dir) ends with %q", got)
	}
	a[0] = "changed"
	if ChromiumArgs("")[0] == "changed" {
		t.Error("ChromiumArgs returns a shared slice")
	}
}

// TestTools checks the real tools. They are skipped where missing, unless
// SOCKETEER_REQUIRE_INTEROP=1 (scripts/test.sh, CI) makes that a failure.
func TestTools(t *testing.T) {
	t.Run("Node", func(t *testing.T) { t.Log(Node(t)) })
	t.Run("Python", func(t *testing.T) { t.Log(Python(t)) })
	t.Run("Chromium", func(t *testing.T) { t.Log(Chromium(t)) })
	t.Run("Nginx", func(t *testing.T) { t.Log(Nginx(t)) })
	t.Run("Redis", func(t *testing.T) { t.Log(RedisAddr(t)) })
}

func TestRunNode(t *testing.T) {
	Node(t)
	script := filepath.Join(t.TempDir(), "hello.js")
	src := `console.log("cwd=" + process.cwd());
console.log("greeting=" + process.env.GREETING);
console.error("client=" + typeof require("socket.io-client").io);`
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t.Setenv("GREETING", "from the test environment")
	// A script outside interop/ does not find its packages by itself.
	out, err := RunNode(t, ctx, script, "GREETING=hi", "NODE_PATH="+filepath.Join(InteropDir(), "node_modules"))
	if err != nil {
		t.Fatalf("RunNode: %v\n%s", err, out)
	}
	for _, want := range []string{"cwd=" + InteropDir(), "greeting=hi", "client=function"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	out, err = RunNode(t, ctx, script+".missing")
	if err == nil {
		t.Errorf("RunNode of a missing script succeeded:\n%s", out)
	}
}

func TestRunPython(t *testing.T) {
	Python(t)
	if _, err := os.Stat(filepath.Join(InteropDir(), "python")); err != nil {
		t.Skipf("interop/python/ does not exist yet: %v", err)
	}
	script := filepath.Join(t.TempDir(), "hello.py")
	src := "import os, socketio\nprint('cwd=' + os.getcwd())\nprint('greeting=' + os.environ['GREETING'])\nprint('client=' + socketio.Client.__name__)\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := RunPython(t, ctx, script, "GREETING=hi")
	if err != nil {
		t.Fatalf("RunPython: %v\n%s", err, out)
	}
	for _, want := range []string{"cwd=" + filepath.Join(InteropDir(), "python"), "greeting=hi", "client=Client"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := run(ctx, t.TempDir(), "/nonexistent", "x", nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run with a cancelled context: err = %v, want context.Canceled", err)
	}
}
