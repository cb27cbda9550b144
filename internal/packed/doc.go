// Package packed keeps string maps (http.Header, url.Values) in one flat
// string, so that what a connection keeps of its handshake costs one
// allocation of its own size instead of a map, a slice per key and a
// string per value. Unpacking builds a fresh map whose strings point into
// the packed one.
package packed
