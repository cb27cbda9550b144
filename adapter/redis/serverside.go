package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/internal/rediswire"
)

var _ adapter.ServerSideAcker = (*redisAdapter)(nil)

// ServerSideEmit sends event to the namespace on every other node (Socketeer
// or Node).
func (a *redisAdapter) ServerSideEmit(event string, args []json.RawMessage) error {
	data, err := serverSideData(event, args)
	if err != nil {
		return err
	}
	return a.publishRequest(rediswire.Request{Type: rediswire.ServerSideEmit, Data: data})
}

// ServerSideEmitWithAck sends event to the namespace on every other node
// with a request id, as Node's serverSideEmit with a callback does, and
// returns each node's answer (its one ack arg, none when it answered
// undefined). It waits for every other node counted by PUBSUB NUMSUB, at
// most Options.RequestsTimeout or until ctx ends; then it returns the
// answers that came with an error wrapping ErrTimeout.
func (a *redisAdapter) ServerSideEmitWithAck(ctx context.Context, event string, args []json.RawMessage) ([][]json.RawMessage, error) {
	data, err := serverSideData(event, args)
	if err != nil {
		return nil, err
	}
	n, err := a.serverCount()
	if err != nil {
		return nil, fmt.Errorf("%w: counting nodes: %w", ErrUnreachable, err)
	}
	if n <= 1 {
		return nil, nil
	}
	r := &request{kind: rediswire.ServerSideEmit, numSub: n, answered: 1, done: make(chan struct{})}
	err = a.ask(ctx, "serverSideEmit", rediswire.Request{Type: rediswire.ServerSideEmit, Data: data}, r)
	return r.answers, err
}

// serverSideData returns the data of a SERVER_SIDE_EMIT: [event, ...args].
func serverSideData(event string, args []json.RawMessage) ([]json.RawMessage, error) {
	name, err := json.Marshal(event)
	if err != nil {
		return nil, err
	}
	data := make([]json.RawMessage, 0, 1+len(args))
	data = append(data, name)
	for _, arg := range args {
		if len(arg) == 0 {
			arg = json.RawMessage("null")
		}
		data = append(data, arg)
	}
	return data, nil
}

// onServerSideEmit passes [event, ...args] to the local namespace. A
// request with an id asks for an answer: the namespace gives it through
// adapter.LocalAcker, at most once, and it goes back as JSON on the
// response channel, as Node answers. A Local that cannot answer, or a
// handler that does not, leaves the requester to count this node as not
// answering.
func (a *redisAdapter) onServerSideEmit(req *rediswire.Request) {
	event, args, ok := a.serverSideArgs(req)
	if !ok {
		return
	}
	la, acker := a.local.(adapter.LocalAcker)
	if req.RequestID == "" || !acker {
		a.local.ServerSideEvent(event, args)
		return
	}
	var answered atomic.Bool
	id := req.RequestID
	la.ServerSideEventWithAck(event, args, func(answer []json.RawMessage) {
		if answered.CompareAndSwap(false, true) {
			a.answerServerSide(id, answer)
		}
	})
}

// serverSideArgs decodes the event name and args of a SERVER_SIDE_EMIT.
func (a *redisAdapter) serverSideArgs(req *rediswire.Request) (string, []json.RawMessage, bool) {
	data, ok := req.Data.([]any)
	if !ok || len(data) == 0 {
		return "", nil, false
	}
	event, ok := data[0].(string)
	if !ok {
		return "", nil, false
	}
	args := make([]json.RawMessage, 0, len(data)-1)
	for _, v := range data[1:] {
		raw, err := rediswire.ToJSON(v)
		if err != nil {
			a.logf("server-side emit %q: %v", event, err)
			return "", nil, false
		}
		args = append(args, raw)
	}
	return event, args, true
}

// answerServerSide publishes the answer to the SERVER_SIDE_EMIT request
// id: its first arg only, as Node's callback passes one.
func (a *redisAdapter) answerServerSide(id string, answer []json.RawMessage) {
	resp := rediswire.Response{Type: rediswire.ServerSideEmit, RequestID: id}
	if len(answer) > 0 {
		resp.Data = answer[0]
	}
	if err := a.enqueueJSON(a.responseChannel, resp); err != nil {
		a.logf("answer to server-side emit: %v", err)
	}
}

// serverSideAnswer returns the answer a SERVER_SIDE_EMIT response
// carries: one arg, or none when the node answered undefined.
func serverSideAnswer(r *rediswire.Response) []json.RawMessage {
	if len(r.Data) == 0 {
		return nil
	}
	return []json.RawMessage{r.Data}
}
