package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// NewHTTPServer returns an http.Server for h on addr with the timeouts a
// server exposed to the internet needs: a client that sends its request
// headers slowly (slowloris) is dropped after 10s. Long-polling requests
// and websockets are unaffected: there is no overall read or write
// timeout, the Engine.IO heartbeat bounds them.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// ShutdownGrace is how long Serve gives clients to receive what is queued
// for them once its context ends.
const ShutdownGrace = 5 * time.Second

// ListenAndServe listens on addr and serves h (the app itself when h is
// nil, or a mux that mounts it) until ctx ends; see Serve.
func (a *App) ListenAndServe(ctx context.Context, addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return a.Serve(ctx, ln, h)
}

// Serve serves h (the app itself when h is nil) on ln with NewHTTPServer's
// timeouts until ctx ends, then shuts down gracefully: every client is
// disconnected with reason "server shutting down" after what is queued for
// it is flushed, within ShutdownGrace, and the HTTP server stops. It
// returns nil after a shutdown that ctx asked for, even when some polling
// clients did not come back for their close packet in time.
func (a *App) Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	if h == nil {
		h = a
	}
	srv := NewHTTPServer(ln.Addr().String(), h)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		a.Shutdown(context.Background())
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	err := a.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = nil // the clients that did not read their close packet are dropped
	}
	err = errors.Join(err, srv.Shutdown(sctx))
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
