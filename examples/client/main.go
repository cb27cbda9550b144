// Command client runs the Go client's conformance checks against any
// Socket.IO server that follows the /socket.io/ part of
// ../shared/docs/conformance.md (Socketeer's examples/conformance, Node's
// socket.io, python-socketio): connect with auth, message and
// message-back, binary args, acknowledgements, /custom and /random, each
// over websocket only, polling only and polling upgraded to websocket.
//
//	go run ./examples/client -url http://127.0.0.1:3000
//
// It prints one line per check, then "N passed, M failed", and exits with
// status 1 when a check failed (2 for bad flags).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/socketeer/socketeer/internal/clientcheck"
)

func main() {
	os.Exit(runChecks(os.Args[1:], os.Stdout, os.Stderr))
}

// runChecks parses args, runs the checks and returns the exit status.
func runChecks(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:3000", "the server's base URL")
	parser := fs.String("parser", "default", "the Socket.IO parser: only default for now")
	timeout := fs.Duration("timeout", 10*time.Second, "time allowed for each check")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *parser != "default" {
		fmt.Fprintf(stderr, "client: parser %q is not supported yet (only default)\n", *parser)
		return 2
	}
	_, failed := clientcheck.Run(context.Background(), *url, stdout, *timeout)
	if failed > 0 {
		return 1
	}
	return 0
}
