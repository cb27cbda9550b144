package engine

import (
	"net/http"
	"net/url"
	"strings"
)

// originAllowed reports whether the request's Origin may connect. A request
// without an Origin header (Node, Python and other non-browser clients) is
// always allowed; a browser origin must match the policy, which by default
// is the request's own host.
func (c *CORS) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if c.AllowOrigin != nil {
		return c.AllowOrigin(origin, r)
	}
	for _, o := range c.AllowedOrigins {
		if o == "*" || strings.EqualFold(o, origin) {
			return true
		}
	}
	if len(c.AllowedOrigins) > 0 {
		return false
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// setHeaders adds the CORS response headers for an allowed request.
func (c *CORS) setHeaders(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}

// preflight answers an OPTIONS request.
func (c *CORS) preflight(w http.ResponseWriter, r *http.Request) {
	if !c.originAllowed(r) {
		errForbidden.write(w)
		return
	}
	c.setHeaders(w, r)
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
	}
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}
