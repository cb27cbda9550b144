//go:build unix

package engine

import "syscall"

// writeNonblocking writes buf to a non-blocking fd until it would block.
func writeNonblocking(fd uintptr, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := syscall.Write(int(fd), buf[n:])
		if m > 0 {
			n += m
		}
		switch err {
		case nil:
			if m <= 0 {
				return n, nil
			}
		case syscall.EINTR:
		case syscall.EAGAIN:
			return n, nil
		default:
			return n, err
		}
	}
	return n, nil
}
