// Package hardening holds the tests that expose a Socketeer app to hostile
// and careless clients: oversized and malformed input, slow consumers,
// floods, abandoned sessions, slowloris, faulty handlers, shutdown and the
// security defaults. Each test drives a real app.App over real sockets on
// 127.0.0.1 and is bounded in time; docs/reliability.md lists what each
// one proves and the figures measured.
//
// The soak test runs for 10s by default (5s with -short); -soak=10m runs
// it longer.
package hardening
