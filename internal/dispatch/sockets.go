package dispatch

import "github.com/socketeer/socketeer/internal/nsrt"

// socketSet holds a connection's sockets, one per namespace. Clients join
// one or two namespaces, so a short slice is smaller and faster than a map;
// each socket's namespace is its runtime's name, not stored again.
type socketSet []*nsrt.Socket

// get returns the socket of namespace nsp, or nil.
func (set socketSet) get(nsp string) *nsrt.Socket {
	for _, s := range set {
		if s.Runtime().Name() == nsp {
			return s
		}
	}
	return nil
}

// put adds or replaces the socket of its namespace.
func (set *socketSet) put(s *nsrt.Socket) {
	nsp := s.Runtime().Name()
	for i, e := range *set {
		if e.Runtime().Name() == nsp {
			(*set)[i] = s
			return
		}
	}
	*set = append(*set, s)
}

// del removes the socket of namespace nsp.
func (set *socketSet) del(nsp string) {
	for i, s := range *set {
		if s.Runtime().Name() == nsp {
			*set = append((*set)[:i], (*set)[i+1:]...)
			(*set)[len(*set):cap(*set)][0] = nil
			return
		}
	}
}

// all returns a copy of the sockets.
func (set socketSet) all() []*nsrt.Socket { return append([]*nsrt.Socket(nil), set...) }
