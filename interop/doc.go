// Package interop holds the wire-level interoperability tests: Go tests
// that serve a socketeer app on httptest and drive it with the real
// Socket.IO clients, socket.io-client 4.x from Node (scripts in js/) and
// python-socketio (scripts in python/). Each script prints one JSON line
// per thing it saw; the Go test asserts on those lines.
//
// The folder is also the Node package (package.json, node_modules) that
// scripts/setup.sh installs. The tests skip when node or python3-socketio
// is missing, and fail instead when SOCKETEER_REQUIRE_INTEROP=1.
package interop
