package main

import (
	"log"
	"net/http"
	_ "net/http/pprof" // profiles for PPROF_ADDR
	"os"
)

// servePprof serves net/http/pprof on PPROF_ADDR (a loopback address) when
// it is set, to profile the server under the load generator.
func servePprof() {
	addr := os.Getenv("PPROF_ADDR")
	if addr == "" {
		return
	}
	go func() { log.Println(http.ListenAndServe(addr, nil)) }()
}
