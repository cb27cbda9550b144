package templates

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
)

// The page templates and the static files. "all:" keeps the static tree
// compiling when the vendored client is absent: its README.md is
// committed, the bundle itself is produced by scripts/setup.sh.
var (
	//go:embed pages/*.html
	pageFS embed.FS
	//go:embed all:static
	staticFS embed.FS
)

// ClientPath is the URL path the pages load socket.io-client from.
const ClientPath = "/static/vendor/socket.io.min.js"

// clientFile is ClientPath inside staticFS.
const clientFile = "static/vendor/socket.io.min.js"

var pages = template.Must(template.ParseFS(pageFS, "pages/*.html"))

// Data is what a page template is rendered with.
type Data struct {
	// Title is the page title.
	Title string
	// Namespace is the Socket.IO namespace the page connects to ("" is
	// "/").
	Namespace string
	// MaxLength is the longest message the server accepts, shown as a
	// hint; the server enforces it.
	MaxLength int
}

// view is a page's template data: Data plus what the package knows.
type view struct {
	Data
	ClientPath    string
	ClientMissing bool
}

// HasClient reports whether the socket.io-client bundle was embedded,
// that is whether scripts/setup.sh ran before the build.
func HasClient() bool {
	_, err := fs.Stat(staticFS, clientFile)
	return err == nil
}

// Names returns the names of the embedded pages, such as "chat.html".
func Names() []string {
	var names []string
	for _, t := range pages.Templates() {
		if n := t.Name(); len(n) > 5 && n[len(n)-5:] == ".html" {
			names = append(names, n)
		}
	}
	return names
}

// Render writes the page name rendered with d.
func Render(w http.ResponseWriter, name string, d Data) error {
	var buf bytes.Buffer
	v := view{Data: d, ClientPath: ClientPath, ClientMissing: !HasClient()}
	if err := pages.ExecuteTemplate(&buf, name, v); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Cache-Control", "no-cache")
	_, err := w.Write(buf.Bytes())
	return err
}

// Page returns a handler that serves the page name rendered with d. It
// panics if there is no such page, so a typo fails at start-up.
func Page(name string, d Data) http.Handler {
	if pages.Lookup(name) == nil {
		panic("templates: no page " + strconv.Quote(name))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := Render(w, name, d); err != nil {
			http.Error(w, "template error", http.StatusInternalServerError)
		}
	})
}

// Static returns a handler for the static files under the URL path
// /static/ (mount it at "/static/"). Directories are not listed.
func Static() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // "static" is a valid path: cannot happen
	}
	files := http.FileServerFS(sub)
	return http.StripPrefix("/static", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || r.URL.Path[len(r.URL.Path)-1] == '/' {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
}
