package namespace

import (
	"github.com/socketeer/socketeer/debug"
	"github.com/socketeer/socketeer/protocol"
)

// trace reports an outgoing packet to the debug tracer, if one is on.
// recipients < 0 marks a broadcast.
func (rt *Runtime) trace(p *protocol.Packet, sid, eid string, recipients int) {
	tr := rt.tracer.Load()
	if tr == nil {
		return
	}
	tp := debug.Packet{
		Dir: debug.Out, SocketID: sid, EngineID: eid, Namespace: p.Namespace,
		Kind: p.Type.String(), AckID: p.ID, Args: p.Data, Attachments: len(p.Attachments),
	}
	if recipients < 0 {
		tp.SocketID = "(broadcast)"
	}
	if name, _, err := protocol.SplitEvent(p.Data); err == nil && (p.Type == protocol.Event || p.Type == protocol.BinaryEvent) {
		tp.Event = name
	}
	tr.Packet(&tp)
}
