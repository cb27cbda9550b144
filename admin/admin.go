package admin

import (
	"encoding/json"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/obs"
	"github.com/socketeer/socketeer/namespace"
)

// Sentinel errors of New and Basic.
var (
	// ErrNoAuth is returned by New when Options.Auth was not chosen:
	// authentication must be set, or explicitly switched off with NoAuth.
	ErrNoAuth = fmt.Errorf("%w: admin: Options.Auth must be set (use admin.NoAuth() to allow anyone)", errors.ErrRegistration)
	// ErrBadHash is returned by Basic for a password that is not a bcrypt
	// hash.
	ErrBadHash = fmt.Errorf("%w: admin: the password must be a bcrypt hash", errors.ErrRegistration)
)

// Mode chooses what the UI is sent.
type Mode int

const (
	// Production sends only server_stats, every StatsInterval: the number
	// of clients, sockets per namespace and aggregated traffic. Its cost
	// does not grow with the traffic.
	Production Mode = iota
	// Development also sends every socket connected, updated and
	// disconnected, every room joined and left, and every event received
	// and sent (not broadcasts), batched every 100ms.
	Development
)

// Auth is how the UI authenticates: NoAuth, Basic or Func.
type Auth struct {
	set   bool
	login func(obs.Credentials) bool
	check func(s *namespace.Socket, auth json.RawMessage) error
}

// NoAuth lets anyone connect to the admin namespace. For development only.
func NoAuth() Auth { return Auth{set: true} }

// Basic checks the username and password the UI's login form sends;
// passwordHash is a bcrypt hash (as Node's admin UI takes), such as the
// output of bcrypt.GenerateFromPassword. A login gets a session id that
// the UI keeps and reconnects with.
func Basic(username, passwordHash string) (Auth, error) {
	hash := []byte(passwordHash)
	if _, err := bcrypt.Cost(hash); err != nil {
		return Auth{}, fmt.Errorf("%w: %w", ErrBadHash, err)
	}
	login := func(c obs.Credentials) bool {
		return c.Username == username && bcrypt.CompareHashAndPassword(hash, []byte(c.Password)) == nil
	}
	return Auth{set: true, login: login}, nil
}

// Func authenticates with fn: it gets the socket and the auth payload of
// the UI's CONNECT ({"username": ..., "password": ...} from its login
// form, or "sessionId") and refuses with an error, which the UI shows
// (errors.Client to choose its text).
func Func(fn func(s *namespace.Socket, auth json.RawMessage) error) Auth {
	return Auth{set: true, check: fn}
}

// Options configures New.
type Options struct {
	// Namespace is the admin namespace (default "/admin").
	Namespace string
	// Auth is required: NoAuth, Basic or Func.
	Auth Auth
	// Mode is Production (the zero value) or Development.
	Mode Mode
	// ReadOnly hides the UI's actions (emit, join, leave, disconnect).
	ReadOnly bool
	// ServerID names this node in the UI (default: the host name). Give
	// each node of a cluster its own.
	ServerID string
	// StatsInterval is how often server_stats is sent (default 2s).
	StatsInterval time.Duration
}

// Server is the server side of the Admin UI. Give it to app.Options.Admin;
// one Server serves one App.
type Server obs.Admin

// New returns the admin server o describes.
func New(o Options) (*Server, error) {
	if !o.Auth.set {
		return nil, ErrNoAuth
	}
	a := obs.NewAdmin(obs.AdminConfig{
		Namespace: o.Namespace, Login: o.Auth.login, Check: o.Auth.check,
		Reject:      errors.Client("invalid credentials", nil),
		Development: o.Mode == Development, ReadOnly: o.ReadOnly,
		ServerID: o.ServerID, StatsInterval: o.StatsInterval,
	})
	return (*Server)(a), nil
}
