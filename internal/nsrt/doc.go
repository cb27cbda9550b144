// Package nsrt is the runtime of a namespace on this node: its sockets, its
// adapter and its ack ids (Runtime), and each socket's state (Socket). It
// is what package namespace's public types are made of, and what the
// dispatcher (internal/dispatch) and the app drive: connecting, accepting
// and detaching sockets, delivering acknowledgements.
//
// namespace.Socket and namespace.Namespace are defined over Socket and
// Handle, so the library converts between them for free while users see
// only the methods package namespace declares.
package nsrt
