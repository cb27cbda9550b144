//go:build !unix

package testenv

import "os/exec"

// setProcessGroup leaves cmd as it is: without Unix process groups, only the
// script process itself is killed when its context ends.
func setProcessGroup(cmd *exec.Cmd) {}

// killProcessGroup does nothing where there are no Unix process groups.
func killProcessGroup(cmd *exec.Cmd) error { return nil }
