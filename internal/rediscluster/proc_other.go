//go:build !linux

package rediscluster

import "os/exec"

// setDeathSignal does nothing where the kernel cannot kill a child when its
// parent dies; the test's cleanups stop the processes.
func setDeathSignal(cmd *exec.Cmd) {}
