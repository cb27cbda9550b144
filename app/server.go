package app

import (
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
