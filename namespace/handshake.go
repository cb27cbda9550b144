package namespace

import "github.com/socketeer/socketeer/adapter"

// Handshake is what the client sent when its socket connected: headers,
// query, auth payload, address, URL, time and TLS. It is the same type as
// adapter.Handshake, which FetchSockets reports for sockets on any node.
type Handshake = adapter.Handshake

// SocketInfo describes a socket, local or on another node, as FetchSockets
// reports it. It is the same type as adapter.SocketInfo.
type SocketInfo = adapter.SocketInfo
