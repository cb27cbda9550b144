// Package templates holds the HTML pages of Socketeer's examples and the
// static files they load, embedded in the binary with package embed so an
// example server needs no files beside it and no internet access.
//
// The pages use the official socket.io-client 4.x browser bundle, served
// at /static/vendor/socket.io.min.js. The bundle is not committed:
// scripts/setup.sh copies it from interop/node_modules (the version pinned
// in interop/package.json) before the examples are built. When it is
// missing the pages still render and say so in a banner ("run
// scripts/setup.sh") instead of failing silently.
//
// Serve a page and the static files next to a Socketeer app:
//
//	mux := http.NewServeMux()
//	mux.Handle("/socket.io/", a)
//	mux.Handle("/static/", templates.Static())
//	mux.Handle("/{$}", templates.Page("chat.html", templates.Data{Title: "Chat"}))
package templates
