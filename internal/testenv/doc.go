// Package testenv locates the real Socket.IO clients and services that
// socketeer's integration tests drive: Node.js with the packages installed in
// interop/ (socket.io-client, socket.io, the Redis adapter and emitter,
// playwright-core), Debian's python3-socketio, Debian's Chromium and
// nginx, and a Redis server.
//
// Each lookup either returns what the test needs or stops the test. By
// default a missing tool skips the test with a message saying how to install
// it (scripts/setup.sh, or scripts/redis.sh for Redis). When the environment
// variable SOCKETEER_REQUIRE_INTEROP is "1", as scripts/test.sh and CI set
// it, a missing tool fails the test instead, so a broken setup cannot hide
// behind skips.
//
// Scripts are run with their working directory inside interop/ (Node) or
// interop/python/ (Python). Their whole process group is killed when the
// context passed to RunNode or RunPython ends, and when the script exits.
//
// The package keeps no global mutable state: every call looks again.
package testenv
