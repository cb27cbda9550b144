package app_test

import (
	"strings"
	"testing"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

type plain struct{ namespace.Namespace }

func (*plain) OnPing(s *sock) string { return "pong" }

type admin struct{ namespace.Namespace }

func (*admin) Path() string          { return "/admin" }
func (*admin) OnPing(s *sock) string { return "admin pong" }

type broken struct{}

func (*broken) OnA()                     {}
func (*broken) OnB(s *sock, c chan bool) {}

func TestRegisterErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(a *app.App) error
		is    error
		want  string
	}{
		{"struct value", func(a *app.App) error { return a.Register(plain{}) },
			errors.ErrRegistration, "app_test.plain is not a pointer to a struct; pass a pointer: Register(&plain{})"},
		{"bad handlers, all at once", func(a *app.App) error { return a.Register(&broken{}) },
			errors.ErrRegistration, "broken.OnA has signature func()"},
		{"duplicate path", func(a *app.App) error {
			if err := a.Register(&plain{}, "/x"); err != nil {
				return err
			}
			return a.Register(&admin{}, "/x")
		}, errors.ErrRegistration, `namespace "/x" is registered twice`},
		{"Path() duplicate", func(a *app.App) error {
			a.Register(&admin{})
			return a.Register(&plain{}, "/admin")
		}, errors.ErrRegistration, `namespace "/admin" is registered twice`},
		{"relative path", func(a *app.App) error { return a.Register(&plain{}, "chat") },
			errors.ErrRegistration, `namespace path "chat" of *app_test.plain must start with /`},
		{"two paths", func(a *app.App) error { return a.Register(&plain{}, "/a", "/b") },
			errors.ErrRegistration, "Register takes one path, got 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.setup(app.New(app.Options{}))
			if !errors.Is(err, tt.is) {
				t.Fatalf("error = %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
	err := app.New(app.Options{}).Register(&broken{})
	for _, m := range []string{"broken.OnA", "broken.OnB"} {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("error lacks %s: %v", m, err)
		}
	}
}

func passThrough(next router.Handler) router.Handler { return next }

func TestRegisterAfterServing(t *testing.T) {
	a := newApp(t, &plain{}, "/", app.Options{})
	apptest.Connect(t, a, "/", nil) // serving starts with the first connection
	tests := []struct {
		name string
		fn   func() error
	}{
		{"Register", func() error { return a.Register(&admin{}) }},
	}
	for _, tt := range tests {
		if err := tt.fn(); !errors.Is(err, errors.ErrServing) {
			t.Errorf("%s after serving: %v, want ErrServing", tt.name, err)
		}
	}
	if a.Of("/admin") != nil {
		t.Error("the late namespace was registered")
	}
}

func TestRegisterPaths(t *testing.T) {
	a := app.New(app.Options{})
	adm, root, other := &admin{}, &plain{}, &admin{}
	for _, err := range []error{a.Register(adm), a.Register(root), a.Register(other, "/override")} {
		if err != nil {
			t.Fatal(err)
		}
	}
	for path, ns := range map[string]*namespace.Namespace{"/admin": &adm.Namespace, "/": &root.Namespace, "/override": &other.Namespace} {
		if ns.Name() != path {
			t.Errorf("embedded Namespace of %s is named %q", path, ns.Name())
		}
		if of := a.Of(path); of == nil || of.Name() != path {
			t.Errorf("Of(%q) = %v", path, of)
		}
	}
	c := apptest.Connect(t, a, "/admin", nil)
	if got := ack(t, c, "ping"); got != `["admin pong"]` {
		t.Errorf("/admin ping = %s", got)
	}
	if _, err := apptest.NewClient(a, "/missing", nil); err == nil || err.(*apptest.ConnectError).Message != "Invalid namespace" {
		t.Errorf("connect to an unknown namespace: %v", err)
	}
}
