//go:build unix

package testenv

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// alive reports whether a process with this pid exists and is not a zombie
// (a killed orphan stays a zombie until its new parent reaps it).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true // no /proc: count the zombie as alive
	}
	// The state follows the parenthesised command name.
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

// waitDead waits up to 5s for pid to be gone.
func waitDead(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if !alive(pid) {
			return
		}
	}
	t.Errorf("process %d still alive", pid)
}

// childPID finds the "child=PID" line in out.
func childPID(t *testing.T, out []byte) int {
	t.Helper()
	for line := range strings.Lines(string(out)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "child="); ok {
			pid, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
	}
	t.Fatalf("no child=PID line in output:\n%s", out)
	return 0
}

// A script that outlives its context is killed together with its children.
func TestRunNodeKillsProcessGroup(t *testing.T) {
	Node(t)
	script := filepath.Join(t.TempDir(), "hang.js")
	src := `const { spawn } = require("child_process");
const c = spawn("sleep", ["300"], { stdio: "inherit" });
console.log("child=" + c.pid);
setInterval(() => {}, 1000);`
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	out, err := RunNode(t, ctx, script)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("RunNode past its deadline: err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second+WaitDelay {
		t.Errorf("RunNode returned %v after start, want soon after the 2s deadline", d)
	}
	waitDead(t, childPID(t, out))
}

// What a script leaves running when it exits is killed too.
func TestRunNodeKillsLeftovers(t *testing.T) {
	Node(t)
	script := filepath.Join(t.TempDir(), "leave.js")
	src := `const { spawn } = require("child_process");
const c = spawn("sleep", ["300"], { stdio: "ignore", detached: false });
c.unref();
console.log("child=" + c.pid);`
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := RunNode(t, ctx, script)
	if err != nil {
		t.Fatalf("RunNode: %v\n%s", err, out)
	}
	waitDead(t, childPID(t, out))
}
