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

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/socketeer/socketeer/admin"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/metrics"
	"github.com/socketeer/socketeer/templates"
)

// newApp returns the Socket.IO app with the Chat namespace at "/", its
// Prometheus metrics and, when ADMIN_USER and ADMIN_PASSWORD are set, the
// Admin UI's namespace /admin in development mode with that login.
func newApp(logf func(string, ...any)) (*app.App, *metrics.Metrics, error) {
	m, err := metrics.New(prometheus.NewRegistry(), metrics.Options{})
	if err != nil {
		return nil, nil, err
	}
	o := app.Options{Logf: logf, Metrics: m}
	if user, pass := os.Getenv("ADMIN_USER"), os.Getenv("ADMIN_PASSWORD"); user != "" && pass != "" {
		hash, err := bcrypt.GenerateFromPassword([]byte(pass), bcrypt.DefaultCost)
		if err != nil {
			return nil, nil, err
		}
		auth, err := admin.Basic(user, string(hash))
		if err != nil {
			return nil, nil, err
		}
		if o.Admin, err = admin.New(admin.Options{Auth: auth, Mode: admin.Development}); err != nil {
			return nil, nil, err
		}
	}
	a := app.New(o)
	if err := a.Register(&Chat{logf: logf}, "/"); err != nil {
		return nil, nil, err
	}
	return a, m, nil
}

// routes serves the page at /, its files at /static/, Socket.IO at
// /socket.io/ and the metrics at /metrics.
func routes(a *app.App, m *metrics.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	mux.Handle("/socket.io/", a)
	mux.Handle("/static/", templates.Static())
	mux.Handle("GET /{$}", templates.Page("chat.html", templates.Data{Title: "Socketeer chat", MaxLength: MaxText}))
	return mux
}

// serve runs the chat on ln until ctx ends, then disconnects every client
// and stops.
func serve(ctx context.Context, ln net.Listener, logf func(string, ...any)) error {
	a, m, err := newApp(logf)
	if err != nil {
		ln.Close()
		return err
	}
	return a.Serve(ctx, ln, routes(a, m))
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
