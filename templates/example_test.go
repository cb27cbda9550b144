package templates_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/socketeer/socketeer/templates"
)

// Serving an example page and its static files beside Socket.IO.
func Example() {
	mux := http.NewServeMux()
	// mux.Handle("/socket.io/", a) — the Socketeer app
	mux.Handle("/static/", templates.Static())
	mux.Handle("/{$}", templates.Page("chat.html", templates.Data{Title: "Chat", MaxLength: 500}))

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/static/chat.js", nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	// Output: 200 text/javascript; charset=utf-8
}
