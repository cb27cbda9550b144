package nsrt

import (
	"github.com/socketeer/socketeer/internal/trace"
	"github.com/socketeer/socketeer/protocol"
)

// Trace reports an outgoing packet to the tracer, if one is on.
// recipients < 0 marks a broadcast.
func (rt *Runtime) Trace(p *protocol.Packet, sid, eid string, recipients int) {
	if rt.observer != nil {
		rt.observeOut(p, sid, recipients)
	}
	tr := rt.tracer
	if tr == nil {
		return
	}
	tp := trace.Packet{
		Dir: trace.Out, SocketID: sid, EngineID: eid, Namespace: p.Namespace,
		Kind: p.Type.String(), AckID: p.ID, Args: p.Data, Attachments: len(p.Attachments),
	}
	if recipients < 0 {
		tp.SocketID = "(broadcast)"
	}
	if p.Type == protocol.Event || p.Type == protocol.BinaryEvent {
		tp.Event, _, _ = protocol.SplitEvent(p.Data)
	}
	tr.Packet(&tp)
}
