//go:build !linux

package engine

import (
	"io"
	"net"
	"syscall"
)

// poller is Linux-only; elsewhere every websocket has a reader goroutine.
type poller struct{}

func (p *poller) register(*Session, net.Conn) bool { return false }
func (p *poller) rearm(*Session, int)              {}
func (p *poller) remove(*Session, int)             {}
func (p *poller) release(*Session, int) bool       { return false }
func (p *poller) close()                           {}

func readNow(net.Conn, []byte) (int, bool, error) { return 0, false, io.EOF }

// rawConn is Linux-only: elsewhere a probe is read by blocking reads.
func rawConn(net.Conn) syscall.RawConn { return nil }

func readFD(uintptr, []byte) (int, bool, error) { return 0, false, io.EOF }

// writeNow is Linux-only: elsewhere the writer job writes everything.
func writeNow(syscall.RawConn, *nowWriter, []byte) (int, error) { return 0, nil }
