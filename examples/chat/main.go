// Command chat is Socketeer's main example: a browser chat with
// nicknames, rooms, private messages, typing notices, connect and
// disconnect notices, delivery acks and validation errors shown in the
// page.
//
//	bash scripts/chat.sh          # from the repository root, or:
//	go run ./examples/chat        # after scripts/setup.sh; PORT=5000 by default
//
// It serves the page (package templates) at /, its static files at
// /static/ and Socket.IO at /socket.io/. The handlers are in chat.go; the
// page's JavaScript is templates/static/chat.js.
package main

import (
	"context"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/templates"
)

// recoveryWindow is how long a page that lost its connection keeps its
// place: coming back within it, it gets its id, rooms and nickname back,
// and the messages sent meanwhile (docs/recovery.md).
const recoveryWindow = 2 * time.Minute

// newApp returns the Socket.IO app with the Chat namespace at "/".
func newApp(logf func(string, ...any)) (*app.App, error) {
	a := app.New(app.Options{Logf: logf, Recovery: &app.Recovery{Window: recoveryWindow}})
	if err := a.Register(&Chat{logf: logf, recovery: true}, "/"); err != nil {
		return nil, err
	}
	return a, nil
}

// routes serves the page at /, its files at /static/ and Socket.IO at
// /socket.io/.
func routes(a *app.App) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", a)
	mux.Handle("/static/", templates.Static())
	mux.Handle("GET /{$}", templates.Page("chat.html", templates.Data{Title: "Socketeer chat", MaxLength: MaxText}))
	return mux
}

// serve runs the chat on ln until ctx ends, then disconnects every client
// and stops.
func serve(ctx context.Context, ln net.Listener, logf func(string, ...any)) error {
	a, err := newApp(logf)
	if err != nil {
		ln.Close()
		return err
	}
	return a.Serve(ctx, ln, routes(a))
}

func main() {
	host, port := os.Getenv("HOST"), os.Getenv("PORT")
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = "5000"
	}
	if !templates.HasClient() {
		log.Print("chat: socket.io.min.js is not embedded; run scripts/setup.sh, then build again")
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		log.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	if host == "127.0.0.1" {
		url = "http://localhost:" + port
	}
	log.Printf("chat: open %s in a browser (Ctrl-C stops)", url)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, ln, log.Printf); err != nil {
		log.Fatal(err)
	}
}
