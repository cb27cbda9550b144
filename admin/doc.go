// Package admin is the server side of the Socket.IO Admin UI
// (@socket.io/admin-ui): give New's Server to app.Options.Admin and the UI
// sees this app's sockets, rooms, namespaces and traffic, and can emit,
// join, leave and disconnect.
//
//	auth, err := admin.Basic("admin", bcryptHash)
//	...
//	adm, err := admin.New(admin.Options{Auth: auth, Mode: admin.Development})
//	...
//	a := app.New(app.Options{Admin: adm})
//	mux.Handle("/socket.io/", a)
//	mux.Handle("/admin/", http.StripPrefix("/admin", admin.UI()))
//
// # The UI
//
// UI serves the UI's static bundle, embedded in the binary: open /admin/
// (or wherever you mount it), enter this server's origin as the server URL
// and the login of Options.Auth. It loads nothing from the network: the
// icon font is served beside it and the Roboto font is left out (the
// system's sans-serif font replaces it). scripts/setup.sh puts the bundle
// in admin/ui/ before the build; see admin/ui/README.md.
//
// # Clusters
//
// With a multi-node adapter (adapter/redis) give every node an admin
// Server with its own Options.ServerID: each node sends its own
// server_stats to the admin sockets of every node, the socket list spans
// the cluster and the UI's actions reach sockets on any node.
package admin
