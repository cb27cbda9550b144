package admin

import (
	"embed"
	"io/fs"
	"net/http"
)

// uiFS is the Admin UI that scripts/setup.sh copies into ui/. "all:" keeps
// the package compiling when only the committed README.md is there.
//
//go:embed all:ui
var uiFS embed.FS

// uiMissing is what UI answers when the bundle was not embedded.
const uiMissing = "socketeer/admin: the Admin UI is not embedded: run scripts/setup.sh, then build again\n"

// UI returns the handler of the Socket.IO Admin UI (@socket.io/admin-ui's
// static bundle, embedded in the binary and loading nothing from the
// network). It serves the UI at its root: mount it under a path of your
// choosing with http.StripPrefix, such as
//
//	mux.Handle("/admin/", http.StripPrefix("/admin", admin.UI()))
//
// then open /admin/ and connect to this server's origin. The UI is a
// page like any other: it logs in through the admin namespace (Options.Auth),
// not through this handler. Without the bundle (scripts/setup.sh did not
// run before the build) every request gets 404 with that hint.
func UI() http.Handler {
	sub, err := fs.Sub(uiFS, "ui")
	if err != nil {
		panic(err) // "ui" is a valid path: cannot happen
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, uiMissing, http.StatusNotFound)
		})
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/README.md" {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}
