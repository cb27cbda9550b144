//go:build unix

package testenv

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// setProcessGroup starts cmd in a new process group and makes cancelling its
// context kill the whole group, so children the script spawned die with it.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		err := killProcessGroup(cmd)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone
		}
		return err
	}
}

// killProcessGroup sends SIGKILL to the process group of cmd, which started
// it as the group's leader; that kills whatever the script left running.
func killProcessGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	// The group id is the leader's pid (Setpgid with Pgid 0). The kernel
	// does not reuse a pid while a group of that id still has members.
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
