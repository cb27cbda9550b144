package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/internal/rediswire"
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
func (a *redisAdapter) FetchSockets(ctx context.Context, o adapter.Options) ([]adapter.SocketInfo, error) {
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
	id := rediswire.NewID(6)
	r := &request{numSub: n, answered: 1, sockets: local, done: make(chan struct{})}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return local, ErrClosed
	}
	a.requests[id] = r
	a.mu.Unlock()
	opts := rediswire.NewOptions(o.Rooms, o.Except, false)
	opts.Flags = nil
	err = a.enqueueJSON(a.requestChannel, rediswire.Request{UID: a.uid, RequestID: id, Type: rediswire.RemoteFetch, Opts: &opts})
	if err == nil {
		err = a.await(ctx, r)
	}
	a.mu.Lock()
	delete(a.requests, id)
	out, answered := r.sockets, r.answered
	a.mu.Unlock()
	if err != nil {
		return out, fmt.Errorf("%w (fetchSockets: %d of %d nodes answered)", err, answered, n)
	}
	return out, nil
}

// await waits for r to finish, for the requests timeout or for ctx.
func (a *redisAdapter) await(ctx context.Context, r *request) error {
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
		a.failed("timeout")
		return fmt.Errorf("%w after %v", ErrTimeout, a.opts.RequestsTimeout)
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
	}
}

// AddSockets makes the selected sockets of every node join rooms.
func (a *redisAdapter) AddSockets(o adapter.Options, rooms []string) error {
	a.Memory.AddSockets(o, rooms)
	if o.Local {
		return nil
	}
	return a.publishRequest(rediswire.Request{Type: rediswire.RemoteJoin, Opts: requestOptions(o), Rooms: rooms})
}

// DelSockets makes the selected sockets of every node leave rooms.
func (a *redisAdapter) DelSockets(o adapter.Options, rooms []string) error {
	a.Memory.DelSockets(o, rooms)
	if o.Local {
		return nil
	}
	return a.publishRequest(rediswire.Request{Type: rediswire.RemoteLeave, Opts: requestOptions(o), Rooms: rooms})
}

// DisconnectSockets disconnects the selected sockets of every node.
func (a *redisAdapter) DisconnectSockets(o adapter.Options, closeConn bool) error {
	a.Memory.DisconnectSockets(o, closeConn)
	if o.Local {
		return nil
	}
	return a.publishRequest(rediswire.Request{Type: rediswire.RemoteDisconnect, Opts: requestOptions(o), Close: &closeConn})
}

// ServerSideEmit sends event to the namespace on every other node (Socketeer
// or Node). Acknowledgements are not supported.
func (a *redisAdapter) ServerSideEmit(event string, args []json.RawMessage) error {
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
	return a.publishRequest(rediswire.Request{Type: rediswire.ServerSideEmit, Data: data})
}

func (a *redisAdapter) publishRequest(req rediswire.Request) error {
	req.UID = a.uid
	return a.enqueueJSON(a.requestChannel, req)
}

func requestOptions(o adapter.Options) *rediswire.Options {
	opts := rediswire.NewOptions(o.Rooms, o.Except, false)
	opts.Flags = nil
	return &opts
}

func localOptions(o *rediswire.Options) adapter.Options {
	return adapter.Options{Rooms: o.Rooms, Except: o.Except, Local: true}
}

// onRequest handles a request of another node or of an emitter.
func (a *redisAdapter) onRequest(msg []byte) {
	var req rediswire.Request
	if err := rediswire.Unmarshal(msg, &req); err != nil {
		a.logf("malformed request: %v", err)
		return
	}
	if req.UID == a.uid {
		return
	}
	switch req.Type {
	case rediswire.Sockets:
		a.answerSockets(&req)
	case rediswire.AllRooms:
		a.answerAllRooms(&req)
	case rediswire.RemoteJoin, rediswire.RemoteLeave, rediswire.RemoteDisconnect:
		a.onRemoteChange(&req)
	case rediswire.RemoteFetch:
		a.answerFetch(&req)
	case rediswire.ServerSideEmit:
		a.onServerSideEmit(&req)
	case rediswire.Broadcast:
		a.onBroadcastRequest(&req)
	}
}

// onRemoteChange applies REMOTE_JOIN, REMOTE_LEAVE or REMOTE_DISCONNECT to
// the local sockets.
func (a *redisAdapter) onRemoteChange(req *rediswire.Request) {
	if req.Opts == nil {
		a.onLegacyChange(req)
		return
	}
	o := localOptions(req.Opts)
	switch req.Type {
	case rediswire.RemoteJoin:
		a.Memory.AddSockets(o, req.Rooms)
	case rediswire.RemoteLeave:
		a.Memory.DelSockets(o, req.Rooms)
	case rediswire.RemoteDisconnect:
		a.Memory.DisconnectSockets(o, req.Close != nil && *req.Close)
	}
}

// onLegacyChange handles the single-socket form {sid, room} and answers it.
func (a *redisAdapter) onLegacyChange(req *rediswire.Request) {
	s := a.local.Socket(req.SID)
	if s == nil {
		return
	}
	switch req.Type {
	case rediswire.RemoteJoin:
		a.Memory.Join(req.SID, req.Room)
	case rediswire.RemoteLeave:
		a.Memory.Leave(req.SID, req.Room)
	case rediswire.RemoteDisconnect:
		s.Disconnect(req.Close != nil && *req.Close)
	}
	a.respond(req, struct {
		RequestID string `json:"requestId"`
	}{req.RequestID})
}

func (a *redisAdapter) respond(req *rediswire.Request, v any) {
	if err := a.enqueueJSON(a.responseChannelFor(req), v); err != nil {
		a.logf("response to request type %d: %v", req.Type, err)
	}
}

func (a *redisAdapter) answerFetch(req *rediswire.Request) {
	if req.Opts == nil {
		return
	}
	sockets := []rediswire.Socket{}
	a.Memory.Select(localOptions(req.Opts), func(s adapter.Socket) {
		sockets = append(sockets, rediswire.ToSocket(s.Info()))
	})
	a.respond(req, struct {
		RequestID string             `json:"requestId"`
		Sockets   []rediswire.Socket `json:"sockets"`
	}{req.RequestID, sockets})
}

func (a *redisAdapter) answerSockets(req *rediswire.Request) {
	ids := []string{}
	a.Memory.Select(adapter.Options{Rooms: req.Rooms}, func(s adapter.Socket) { ids = append(ids, s.ID()) })
	a.respond(req, struct {
		RequestID string   `json:"requestId"`
		Sockets   []string `json:"sockets"`
	}{req.RequestID, ids})
}

// answerAllRooms lists the rooms of the local sockets, their own rooms
// included as Node's adapter does.
func (a *redisAdapter) answerAllRooms(req *rediswire.Request) {
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
func (a *redisAdapter) onServerSideEmit(req *rediswire.Request) {
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
		raw, err := rediswire.ToJSON(v)
		if err != nil {
			a.logf("server-side emit %q: %v", event, err)
			return
		}
		args = append(args, raw)
	}
	a.local.ServerSideEvent(event, args)
}

// onResponse handles an answer to one of this node's requests.
func (a *redisAdapter) onResponse(msg []byte) {
	var r rediswire.Response
	if err := rediswire.Unmarshal(msg, &r); err != nil {
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
		si, err := rediswire.FromSocket(raw)
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
