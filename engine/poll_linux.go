//go:build linux

package engine

import (
	"io"
	"net"
	"sync"
	"syscall"
)

// poller waits for readable websockets with one epoll instance instead of
// one blocked reader goroutine per connection: an idle websocket then
// costs no goroutine and no read buffer. A readable connection is read by
// a pooled worker (Session.pollRead) until the socket is drained; the
// connection is registered one-shot, so one worker at a time reads it. The
// loop goroutine runs only while connections are registered.
type poller struct {
	mu      sync.Mutex
	epfd    int
	evfd    int        // wakes the loop when the last connection leaves
	conns   []*Session // by file descriptor: they are small and dense
	n       int        // registered connections
	inited  bool
	running bool
	failed  bool // epoll unavailable: sessions use reader goroutines
}

// register makes the poller read s's connection; false when it cannot
// (not a plain TCP or Unix socket, or no epoll), and the caller reads it
// with a goroutine instead.
func (p *poller) register(s *Session, conn net.Conn) bool {
	fd := socketFD(conn)
	if fd < 0 {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.init() {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateClosed {
		return true // nothing left to read
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | epollOneShot, Fd: int32(fd)}
	if fd >= len(p.conns) {
		p.conns = append(p.conns, make([]*Session, fd+1-len(p.conns))...)
	}
	p.conns[fd] = s
	s.fd = int32(fd)
	if syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, fd, &ev) != nil {
		p.conns[fd] = nil
		s.fd = -1
		return false
	}
	p.n++
	if !p.running {
		p.running = true
		go p.loop()
	}
	return true
}

const epollOneShot = 1 << 30 // EPOLLONESHOT

// init creates the epoll instance on first use.
func (p *poller) init() bool {
	if p.inited || p.failed {
		return !p.failed
	}
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		p.failed = true
		return false
	}
	r1, _, errno := syscall.Syscall(syscall.SYS_EVENTFD2, 0, syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
	if errno != 0 {
		syscall.Close(epfd)
		p.failed = true
		return false
	}
	p.epfd, p.evfd = epfd, int(r1)
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(p.evfd)}
	syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, p.evfd, &ev)
	p.inited = true
	return true
}

// rearm asks for the next readiness of s's fd, once it was read dry; not
// if s left meanwhile (its fd number may already be another session's).
func (p *poller) rearm(s *Session, fd int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.get(fd) != s {
		return
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | epollOneShot, Fd: int32(fd)}
	syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_MOD, fd, &ev)
}

// remove forgets s's fd before its connection is closed (so that a new
// connection reusing the number is not mistaken for it). If the number is
// another session's already (s's connection was closed behind the
// engine's back, which epoll does not report), it is left alone.
func (p *poller) remove(s *Session, fd int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.get(fd) == s {
		p.removeLocked(fd)
	}
}

// release stops reading s's fd, read dry and not re-armed, so that a
// reader goroutine takes it over; false when s is closing (its close
// removes fd). Holding s.mu while fd is forgotten keeps the close from
// freeing the number for another connection in between.
func (p *poller) release(s *Session, fd int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateOpen || int(s.fd) != fd || p.get(fd) != s {
		return false
	}
	s.fd = -1
	p.removeLocked(fd)
	return true
}

// removeLocked forgets fd, registered; p.mu is held.
func (p *poller) removeLocked(fd int) {
	p.conns[fd] = nil
	p.n--
	syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, fd, nil)
	if p.n == 0 && p.running {
		syscall.Write(p.evfd, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	}
}

// loop dispatches readiness to workers until no connection is left.
func (p *poller) loop() {
	events := make([]syscall.EpollEvent, 256)
	ready := make([]*Session, 0, 256)
	for {
		n, err := syscall.EpollWait(p.epfd, events, -1)
		if err != nil && err != syscall.EINTR {
			n = 0
		}
		p.mu.Lock()
		ready = ready[:0]
		for _, ev := range events[:max(n, 0)] {
			if int(ev.Fd) == p.evfd {
				var b [8]byte
				syscall.Read(p.evfd, b[:])
				continue
			}
			if s := p.get(int(ev.Fd)); s != nil {
				ready = append(ready, s)
			}
		}
		if p.n == 0 {
			p.running = false
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
		for _, s := range ready {
			s.srv.workers.run(s, jobRead)
		}
	}
}

// close releases the epoll instance once no connection is registered.
func (p *poller) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inited && p.n == 0 && !p.running {
		syscall.Close(p.epfd)
		syscall.Close(p.evfd)
		p.conns, p.inited = nil, false
	}
}

// get returns the session registered for fd, or nil.
func (p *poller) get(fd int) *Session {
	if fd < 0 || fd >= len(p.conns) {
		return nil
	}
	return p.conns[fd]
}

// socketFD returns the file descriptor of a TCP or Unix socket, or -1.
func socketFD(conn net.Conn) int {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return -1
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	raw.Control(func(f uintptr) { fd = int(f) })
	return fd
}

// readNow reads what the socket holds without blocking: n > 0 bytes, or
// n == 0 with wouldBlock when it is empty, or an error (io.EOF on close).
func readNow(conn net.Conn, buf []byte) (n int, wouldBlock bool, err error) {
	raw, rerr := conn.(syscall.Conn).SyscallConn()
	if rerr != nil {
		return 0, false, rerr
	}
	rerr = raw.Read(func(fd uintptr) bool {
		n, wouldBlock, err = readFD(fd, buf)
		return true
	})
	if rerr != nil {
		return 0, false, rerr
	}
	return n, wouldBlock, err
}

// rawConn returns conn's raw connection when it is a socket of its own
// (not TLS), for non-blocking reads; nil otherwise.
func rawConn(conn net.Conn) syscall.RawConn {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return raw
}

// readFD reads what the non-blocking socket fd holds, like readNow.
func readFD(fd uintptr, buf []byte) (n int, wouldBlock bool, err error) {
	for {
		n, err = syscall.Read(int(fd), buf)
		if err != syscall.EINTR {
			break
		}
	}
	switch {
	case err == syscall.EAGAIN:
		return 0, true, nil
	case err != nil:
		return 0, false, err
	case n == 0:
		return 0, false, io.EOF
	}
	return n, false, nil
}

// writeNow writes what the socket takes of buf now, in one system call
// that never waits: n < len(buf) when its send buffer is full. A
// connection that is not a socket of its own (TLS: raw is nil) takes
// nothing here. w holds the callback, so that none is allocated.
func writeNow(raw syscall.RawConn, w *nowWriter, buf []byte) (n int, err error) {
	if raw == nil {
		return 0, nil
	}
	if w.fn == nil {
		w.fn = w.write
	}
	w.buf = buf
	rerr := raw.Write(w.fn)
	n, err = w.n, w.err
	*w = nowWriter{fn: w.fn}
	if err == nil {
		err = rerr
	}
	return n, err
}

// write makes one write system call (again only when interrupted) and
// tells the runtime not to wait for the socket to become writable.
func (w *nowWriter) write(fd uintptr) bool {
	for {
		m, err := syscall.Write(int(fd), w.buf)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
		case err != nil:
			w.err = err
		default:
			w.n = m
		}
		return true
	}
}
