package client

import (
	"context"
	"fmt"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/eioclient"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/protocol"
)

// Args, returned as a handler's only result, spreads its elements as the
// ack's args instead of sending one array. It is the server's
// namespace.Args, so that handlers return the same type on both ends.
type Args = namespace.Args

// Emit sends the event with args: any JSON-encodable values, where each
// []byte (also inside []any and map[string]any values) travels as a
// binary attachment. While the socket is disconnected the event is
// buffered and sent once it connects; ErrBufferFull when the buffer is
// full. Reserved names (connect, disconnect, ...) fail with
// errors.ErrReservedEvent.
func (s *Socket) Emit(event string, args ...any) error {
	return s.emit(false, protocol.NoID, event, args)
}

// EmitWithAck sends the event with args, as Emit does, and waits for the
// server's acknowledgement. Use Reply.Decode to read it. When ctx ends
// first the error matches both ctx.Err() and errors.ErrAckTimeout; when
// the socket disconnects after sending, ErrDisconnected.
func (s *Socket) EmitWithAck(ctx context.Context, event string, args ...any) (Reply, error) {
	ch := make(chan ackResult, 1)
	s.mu.Lock()
	id := s.nextID
	s.nextID++
	s.acks[id] = &pendingAck{ch: ch}
	s.mu.Unlock()
	if err := s.emit(false, id, event, args); err != nil {
		s.dropAck(id)
		return Reply{}, err
	}
	select {
	case r := <-ch:
		return r.reply, r.err
	case <-ctx.Done():
		s.dropAck(id)
		return Reply{}, fmt.Errorf("%w: %q: %w", errors.ErrAckTimeout, event, ctx.Err())
	}
}

// dropAck forgets an acknowledgement no one waits for.
func (s *Socket) dropAck(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.acks, id)
}

// Volatile is a socket whose emits are dropped, rather than buffered,
// while it is not connected (socket.io-client's socket.volatile).
type Volatile struct{ s *Socket }

// Volatile returns the volatile view of the socket.
func (s *Socket) Volatile() Volatile { return Volatile{s} }

// Emit sends the event like Socket.Emit if the socket is connected, and
// silently drops it otherwise.
func (v Volatile) Emit(event string, args ...any) error {
	return v.s.emit(true, protocol.NoID, event, args)
}

// emit encodes and sends an event, or buffers it.
func (s *Socket) emit(volatile bool, ackID int64, event string, args []any) error {
	if protocol.ReservedEvent(event) {
		return fmt.Errorf("%w: %q", errors.ErrReservedEvent, event)
	}
	data, atts, err := protocol.AppendEvent(nil, event, args)
	if err != nil {
		return fmt.Errorf("socketeer: encoding event %q: %w", event, err)
	}
	packets, err := s.encode(protocol.Event, ackID, data, atts)
	if err != nil {
		return fmt.Errorf("socketeer: encoding event %q: %w", event, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.connected {
		err := s.sentOn.Send(packets...)
		if err == nil {
			if a := s.acks[ackID]; a != nil {
				a.sent = true
			}
			return nil
		}
		if err != eioclient.ErrClosed {
			return fmt.Errorf("socketeer: emitting %q: %w", event, err)
		}
		// The connection just ended: buffer for the next one.
	}
	switch {
	case volatile:
		return nil
	case len(s.buffer) >= s.m.opts.MaxBuffer:
		return fmt.Errorf("%w: %d emits wait", ErrBufferFull, len(s.buffer))
	}
	s.buffer = append(s.buffer, outgoing{packets: packets, ackID: ackID})
	return nil
}

// encode returns the Engine.IO messages of an EVENT (t) or ACK payload:
// the text packet, as the binary type when there are attachments, then
// each attachment.
func (s *Socket) encode(t protocol.PacketType, id int64, data []byte, atts [][]byte) ([]eioclient.Packet, error) {
	if len(atts) > 0 {
		t += protocol.BinaryEvent - protocol.Event // Event→BinaryEvent, Ack→BinaryAck
	}
	p := protocol.Packet{Type: t, Namespace: s.nsp, ID: id, Data: data, Attachments: atts}
	return s.m.parser.encode(&p) // only msgpack fails, on nesting deeper than its limit
}
