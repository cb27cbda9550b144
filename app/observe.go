package app

import (
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/internal/obs"
	"github.com/socketeer/socketeer/namespace"
)

// observe sets a.obs from Options.Metrics and Options.Admin.
func (a *App) observe() nsrt.Observer {
	var list []nsrt.Observer
	if a.opts.Metrics != nil {
		list = append(list, (*obs.Metrics)(a.opts.Metrics))
	}
	if a.opts.Admin != nil {
		list = append(list, (*obs.Admin)(a.opts.Admin))
	}
	a.obs = nsrt.Observers(list...)
	return a.obs
}

// attach gives the observers what they read from the app; the admin
// server registers its namespace. New calls it last.
func (a *App) attach() {
	h := obs.Host{
		Register:   func(ns any, path string) error { return a.Register(ns, path) },
		Namespaces: a.namespaces,
		Clients:    a.engine.Len,
		Transports: a.transports,
		Logf:       a.opts.Logf,
	}
	if a.opts.Metrics != nil {
		(*obs.Metrics)(a.opts.Metrics).Attach(h)
	}
	if a.opts.Admin != nil {
		if err := (*obs.Admin)(a.opts.Admin).Attach(h); err != nil {
			a.opts.Logf("socketeer: admin namespace: %v", err)
		}
	}
}

// detach stops the admin server's stats loop.
func (a *App) detach() {
	if a.opts.Admin != nil {
		(*obs.Admin)(a.opts.Admin).Close()
	}
}

// namespaces returns the registered namespaces.
func (a *App) namespaces() []*namespace.Namespace {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]*namespace.Namespace, 0, len(a.runtimes))
	for _, rt := range a.runtimes {
		out = append(out, (*namespace.Namespace)(nsrt.HandleOf(rt)))
	}
	return out
}

// transports counts the connections joined to a namespace by transport.
func (a *App) transports() map[string]int {
	seen := make(map[string]string)
	for _, ns := range a.namespaces() {
		rt := (*nsrt.Handle)(ns).Runtime()
		rt.Each(func(s *nsrt.Socket) { seen[s.EngineID()] = s.Transport() })
	}
	out := make(map[string]int, 2)
	for _, t := range seen {
		out[t]++
	}
	return out
}
