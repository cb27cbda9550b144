package dispatch

import "github.com/socketeer/socketeer/internal/nsrt"

// socketSet holds a connection's sockets, one per namespace. Clients join
// one or two namespaces, so a short slice is smaller and faster than a map.
type socketSet []socketEntry

type socketEntry struct {
	nsp    string
	socket *nsrt.Socket
}

// get returns the socket of namespace nsp, or nil.
func (set socketSet) get(nsp string) *nsrt.Socket {
	for _, e := range set {
		if e.nsp == nsp {
			return e.socket
		}
	}
	return nil
}

// put adds or replaces the socket of namespace nsp.
func (set *socketSet) put(nsp string, s *nsrt.Socket) {
	for i, e := range *set {
		if e.nsp == nsp {
			(*set)[i].socket = s
			return
		}
	}
	*set = append(*set, socketEntry{nsp, s})
}

// del removes the socket of namespace nsp.
func (set *socketSet) del(nsp string) {
	for i, e := range *set {
		if e.nsp == nsp {
			*set = append((*set)[:i], (*set)[i+1:]...)
			return
		}
	}
}

// all returns a copy of the sockets.
func (set socketSet) all() []*nsrt.Socket {
	out := make([]*nsrt.Socket, len(set))
	for i, e := range set {
		out[i] = e.socket
	}
	return out
}
