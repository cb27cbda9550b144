// Command chat is Socketeer's main example: a browser chat with
// nicknames, rooms, private messages, typing notices, connect and
// disconnect notices, delivery acks and validation errors shown in the
// page.
//
//	bash scripts/chat.sh          # from the repository root, or:
//	go run ./examples/chat        # after scripts/setup.sh; PORT=5000 by default
//
// It serves the page (package templates) at /, its static files at
// /static/, Socket.IO at /socket.io/ and Prometheus metrics at /metrics.
// With ADMIN_USER and ADMIN_PASSWORD set (the password or its bcrypt
// hash) it also serves the Socket.IO Admin UI at /admin/, in development
// mode with that login. The handlers are in examples/internal/chat, which
// examples/cluster serves too; the page's JavaScript is
// templates/static/chat.js.
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

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/socketeer/socketeer/admin"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/examples/internal/chat"
	"github.com/socketeer/socketeer/metrics"
	"github.com/socketeer/socketeer/templates"
)

// recoveryWindow is how long a page that lost its connection keeps its
// place: coming back within it, it gets its id, rooms and nickname back,
// and the messages sent meanwhile (docs/recovery.md).
const recoveryWindow = 2 * time.Minute

// newApp returns the Socket.IO app with the Chat namespace at "/" and
// connection state recovery on, its Prometheus metrics and, when
// ADMIN_USER and ADMIN_PASSWORD are set, the Admin UI's namespace /admin in
// development mode with that login.
func newApp(logf func(string, ...any)) (*app.App, *metrics.Metrics, error) {
	m, err := metrics.New(prometheus.NewRegistry(), metrics.Options{})
	if err != nil {
		return nil, nil, err
	}
	o := app.Options{Logf: logf, Metrics: m, Recovery: &app.Recovery{Window: recoveryWindow}}
	if user, pass, ok := adminLogin(); ok {
		if o.Admin, err = newAdmin(user, pass); err != nil {
			return nil, nil, err
		}
	}
	a := app.New(o)
	if err := a.Register(chat.New(logf, true, ""), "/"); err != nil {
		return nil, nil, err
	}
	return a, m, nil
}

// adminLogin returns ADMIN_USER and ADMIN_PASSWORD, and whether both are
// set (which turns the Admin UI on).
func adminLogin() (user, pass string, ok bool) {
	user, pass = os.Getenv("ADMIN_USER"), os.Getenv("ADMIN_PASSWORD")
	return user, pass, user != "" && pass != ""
}

// newAdmin returns the admin server in development mode with the login
// user and pass. pass may be a bcrypt hash, as Node's admin UI takes
// (which keeps the password itself out of the environment), or the
// password, hashed here.
func newAdmin(user, pass string) (*admin.Server, error) {
	hash := []byte(pass)
	if _, err := bcrypt.Cost(hash); err != nil {
		if hash, err = bcrypt.GenerateFromPassword([]byte(pass), bcrypt.DefaultCost); err != nil {
			return nil, err
		}
	}
	auth, err := admin.Basic(user, string(hash))
	if err != nil {
		return nil, err
	}
	return admin.New(admin.Options{Auth: auth, Mode: admin.Development})
}

// routes serves the page at /, its files at /static/, Socket.IO at
// /socket.io/, the metrics at /metrics and, when the admin namespace is
// on, the Admin UI at /admin/.
func routes(a *app.App, m *metrics.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	chat.Mount(mux, a, "Socketeer chat")
	if _, _, ok := adminLogin(); ok {
		mux.Handle("/admin/", http.StripPrefix("/admin", admin.UI()))
	}
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
