package rediscluster

import (
	"os/exec"
	"syscall"
)

// setDeathSignal makes the kernel kill the redis-server when the test
// process dies before its cleanups run (a timeout's panic, a kill).
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
