// Package chat is the browser chat that examples/chat serves on one node
// and examples/cluster on several behind a load balancer: the Chat
// namespace, whose On* methods are the events the page emits, and Mount,
// which serves the page (package templates), its files and Socket.IO.
// The page's JavaScript is templates/static/chat.js; its browser tests are
// interop/browser/chat.spec.js (one node) and cluster.spec.js (nodes
// behind nginx).
package chat
