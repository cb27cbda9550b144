package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/adapter/redis/wire"
)

// request is a request of this node waiting for the other nodes' answers.
type request struct {
	numSub   int // nodes that must answer, this one included
	answered int // nodes that answered, this one included
	sockets  []adapter.SocketInfo
	done     chan struct{}
	finished bool
}

// finish wakes the requester once; a.mu is held.
func (r *request) finish() {
	if !r.finished {
		r.finished = true
		close(r.done)
	}
}

// FetchSockets describes the selected sockets of every node. It waits for
// every node counted by PUBSUB NUMSUB, at most Options.RequestsTimeout or
// until ctx ends; then it returns what the nodes that answered sent, with
// an error wrapping ErrTimeout. A node that stopped is no longer
// subscribed and is not waited for.
func (a *Adapter) FetchSockets(ctx context.Context, o adapter.Options) ([]adapter.SocketInfo, error) {
	local, _ := a.Memory.FetchSockets(ctx, o)
	if o.Local {
		return local, nil
	}
	n, err := a.serverCount()
	if err != nil {
		return local, fmt.Errorf("%w: counting nodes: %w", ErrUnreachable, err)
	}
	if n <= 1 {
		return local, nil
	}
	id := wire.NewID(6)
	r := &request{numSub: n, answered: 1, sockets: local, done: make(chan struct{})}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return local, ErrClosed
	}
	a.requests[id] = r
	a.mu.Unlock()
	opts := wire.NewOptions(o.Rooms, o.Except, false)
	opts.Flags = nil
	err = a.enqueueJSON(a.requestChannel, wire.Request{UID: a.uid, RequestID: id, Type: wire.RemoteFetch, Opts: &opts})
	if err == nil {
		err = a.await(ctx, r)
	}
	a.mu.Lock()
	delete(a.requests, id)
	out, answered := r.sockets, r.answered
	a.mu.Unlock()
	if err != nil {
		return out, fmt.Errorf("fetchSockets: %d of %d nodes answered: %w", answered, n, err)
	}
	return out, nil
}

// await waits for r to finish, for the requests timeout or for ctx.
func (a *Adapter) await(ctx context.Context, r *request) error {
	timer := time.NewTimer(a.opts.RequestsTimeout)
	defer timer.Stop()
	select {
	case <-r.done:
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.closed && r.answered < r.numSub {
			return ErrClosed
		}
		return nil
	case <-timer.C:
		return fmt.Errorf("%w after %v", ErrTimeout, a.opts.RequestsTimeout)
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
	}
}

// AddSockets makes the selected sockets of every node join rooms.
func (a *Adapter) AddSockets(o adapter.Options, rooms []string) error {
	a.Memory.AddSockets(o, rooms)
	if o.Local {
		return nil
	}
	return a.publishRequest(wire.Request{Type: wire.RemoteJoin, Opts: requestOptions(o), Rooms: rooms})
}

// DelSockets makes the selected sockets of every node leave rooms.
func (a *Adapter) DelSockets(o adapter.Options, rooms []string) error {
	a.Memory.DelSockets(o, rooms)
	if o.Local {
		return nil
	}
	return a.publishRequest(wire.Request{Type: wire.RemoteLeave, Opts: requestOptions(o), Rooms: rooms})
}

// DisconnectSockets disconnects the selected sockets of every node.
func (a *Adapter) DisconnectSockets(o adapter.Options, closeConn bool) error {
	a.Memory.DisconnectSockets(o, closeConn)
	if o.Local {
		return nil
	}
	return a.publishRequest(wire.Request{Type: wire.RemoteDisconnect, Opts: requestOptions(o), Close: &closeConn})
}

// ServerSideEmit sends event to the namespace on every other node (Socketeer
// or Node). Acknowledgements are not supported.
func (a *Adapter) ServerSideEmit(event string, args []json.RawMessage) error {
	data := make([]json.RawMessage, 0, 1+len(args))
	name, err := json.Marshal(event)
	if err != nil {
		return err
	}
	data = append(data, name)
	for _, arg := range args {
		if len(arg) == 0 {
			arg = json.RawMessage("null")
		}
		data = append(data, arg)
	}
	return a.publishRequest(wire.Request{Type: wire.ServerSideEmit, Data: data})
}

func (a *Adapter) publishRequest(req wire.Request) error {
	req.UID = a.uid
	return a.enqueueJSON(a.requestChannel, req)
}

func requestOptions(o adapter.Options) *wire.Options {
	opts := wire.NewOptions(o.Rooms, o.Except, false)
	opts.Flags = nil
	return &opts
}

func localOptions(o *wire.Options) adapter.Options {
	return adapter.Options{Rooms: o.Rooms, Except: o.Except, Local: true}
}

// onRequest handles a request of another node or of an emitter.
func (a *Adapter) onRequest(msg []byte) {
	var req wire.Request
	if err := wire.Unmarshal(msg, &req); err != nil {
		a.logf("malformed request: %v", err)
		return
	}
	if req.UID == a.uid {
		return
	}
	switch req.Type {
	case wire.Sockets:
		a.answerSockets(&req)
	case wire.AllRooms:
		a.answerAllRooms(&req)
	case wire.RemoteJoin, wire.RemoteLeave, wire.RemoteDisconnect:
		a.onRemoteChange(&req)
	case wire.RemoteFetch:
		a.answerFetch(&req)
	case wire.ServerSideEmit:
		a.onServerSideEmit(&req)
	case wire.Broadcast:
		a.onBroadcastRequest(&req)
	}
}

// onRemoteChange applies REMOTE_JOIN, REMOTE_LEAVE or REMOTE_DISCONNECT to
// the local sockets.
func (a *Adapter) onRemoteChange(req *wire.Request) {
	if req.Opts == nil {
		a.onLegacyChange(req)
		return
	}
	o := localOptions(req.Opts)
	switch req.Type {
	case wire.RemoteJoin:
		a.Memory.AddSockets(o, req.Rooms)
	case wire.RemoteLeave:
		a.Memory.DelSockets(o, req.Rooms)
	case wire.RemoteDisconnect:
		a.Memory.DisconnectSockets(o, req.Close != nil && *req.Close)
	}
}

// onLegacyChange handles the single-socket form {sid, room} and answers it.
func (a *Adapter) onLegacyChange(req *wire.Request) {
	s := a.local.Socket(req.SID)
	if s == nil {
		return
	}
	switch req.Type {
	case wire.RemoteJoin:
		a.Memory.Join(req.SID, req.Room)
	case wire.RemoteLeave:
		a.Memory.Leave(req.SID, req.Room)
	case wire.RemoteDisconnect:
		s.Disconnect(req.Close != nil && *req.Close)
	}
	a.respond(req, struct {
		RequestID string `json:"requestId"`
	}{req.RequestID})
}

func (a *Adapter) respond(req *wire.Request, v any) {
	if err := a.enqueueJSON(a.responseChannelFor(req), v); err != nil {
		a.logf("response to request type %d: %v", req.Type, err)
	}
}

func (a *Adapter) answerFetch(req *wire.Request) {
	if req.Opts == nil {
		return
	}
	sockets := []wireSocket{}
	a.Memory.Select(localOptions(req.Opts), func(s adapter.Socket) {
		sockets = append(sockets, toWireSocket(s.Info()))
	})
	a.respond(req, struct {
		RequestID string       `json:"requestId"`
		Sockets   []wireSocket `json:"sockets"`
	}{req.RequestID, sockets})
}

func (a *Adapter) answerSockets(req *wire.Request) {
	ids := []string{}
	a.Memory.Select(adapter.Options{Rooms: req.Rooms}, func(s adapter.Socket) { ids = append(ids, s.ID()) })
	a.respond(req, struct {
		RequestID string   `json:"requestId"`
		Sockets   []string `json:"sockets"`
	}{req.RequestID, ids})
}

// answerAllRooms lists the rooms of the local sockets, their own rooms
// included as Node's adapter does.
func (a *Adapter) answerAllRooms(req *wire.Request) {
	seen := map[string]bool{}
	rooms := []string{}
	a.local.Each(func(s adapter.Socket) {
		for _, r := range a.Memory.Rooms(s.ID()) {
			if !seen[r] {
				seen[r] = true
				rooms = append(rooms, r)
			}
		}
	})
	a.respond(req, struct {
		RequestID string   `json:"requestId"`
		Rooms     []string `json:"rooms"`
	}{req.RequestID, rooms})
}

// onServerSideEmit passes [event, ...args] to the local namespace. A
// request with an id asks for an acknowledgement, which Socketeer nodes do
// not give: the asking Node server counts this node as not answering.
func (a *Adapter) onServerSideEmit(req *wire.Request) {
	data, ok := req.Data.([]any)
	if !ok || len(data) == 0 {
		return
	}
	event, ok := data[0].(string)
	if !ok {
		return
	}
	args := make([]json.RawMessage, 0, len(data)-1)
	for _, v := range data[1:] {
		raw, err := wire.ToJSON(v)
		if err != nil {
			a.logf("server-side emit %q: %v", event, err)
			return
		}
		args = append(args, raw)
	}
	a.local.ServerSideEvent(event, args)
}

// onResponse handles an answer to one of this node's requests.
func (a *Adapter) onResponse(msg []byte) {
	var r wire.Response
	if err := wire.Unmarshal(msg, &r); err != nil {
		a.logf("malformed response: %v", err)
		return
	}
	if a.onAckResponse(&r) {
		return
	}
	a.mu.Lock()
	_, mine := a.requests[r.RequestID]
	a.mu.Unlock()
	if !mine {
		return // another node's
	}
	var sockets []adapter.SocketInfo
	for _, raw := range r.Sockets {
		si, err := fromWireSocket(raw)
		if err != nil {
			a.logf("fetchSockets response: %v", err)
			continue
		}
		sockets = append(sockets, si)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	req := a.requests[r.RequestID]
	if req == nil || req.finished {
		return
	}
	req.answered++
	req.sockets = append(req.sockets, sockets...)
	if req.answered >= req.numSub {
		req.finish()
	}
}
