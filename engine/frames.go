package engine

import (
	"encoding/binary"
	"errors"
)

// Websocket opcodes (RFC 6455 section 5.2).
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xa
)

// Websocket close codes the server sends.
const (
	closeNormal       = 1000
	closeProtocol     = 1002
	closeMessageLarge = 1009
)

var (
	// errFrame is a websocket protocol violation by the client.
	errFrame = errors.New("socketeer/engine: websocket protocol error")
	// errFrameTooBig is a websocket message over the size limit.
	errFrameTooBig = errors.New("socketeer/engine: websocket message too big")
)

// frameReader parses the client's websocket frames from the bytes read off
// the connection, in any chunks. It unmasks payloads, joins fragmented
// messages and refuses a message over limit as soon as a frame header says
// so, before its payload is buffered. It holds no buffer between messages
// that arrived whole, so an idle connection costs nothing here.
type frameReader struct {
	buf   []byte // bytes read but not yet parsed
	msg   []byte // the fragments of the message being assembled
	msgOp byte   // that message's opcode; 0 when none is being assembled
	limit int    // the largest message accepted
}

// feed adds data and calls fn for every complete message (opText,
// opBinary) and control frame (opClose, opPing, opPong), in order. The
// payload passed to fn is valid only during the call. fn's error stops
// the parsing and is returned.
func (r *frameReader) feed(data []byte, fn func(op byte, payload []byte) error) error {
	if len(r.buf) == 0 && len(data) > 0 {
		r.buf = data // parse in place; copied below if a partial frame remains
	} else {
		r.buf = append(r.buf, data...)
	}
	for {
		n, err := r.next(fn)
		if err != nil {
			r.buf = nil
			return err
		}
		if n == 0 {
			break
		}
		r.buf = r.buf[n:]
	}
	if len(r.buf) == 0 {
		r.buf = nil
	} else if len(data) > 0 && &r.buf[len(r.buf)-1] == &data[len(data)-1] {
		r.buf = append([]byte(nil), r.buf...) // data belongs to the caller
	}
	return nil
}

// held returns the bytes held for a partial frame or message.
func (r *frameReader) held() int { return len(r.buf) + len(r.msg) }

// next parses one frame at the start of r.buf: it returns the bytes it
// took, or 0 when the frame is not complete yet.
func (r *frameReader) next(fn func(op byte, payload []byte) error) (int, error) {
	b := r.buf
	if len(b) < 2 {
		return 0, nil
	}
	fin, rsv, op := b[0]&0x80 != 0, b[0]&0x70, b[0]&0x0f
	masked, n, hdr := b[1]&0x80 != 0, uint64(b[1]&0x7f), 2
	if rsv != 0 || !masked {
		return 0, errFrame
	}
	switch n {
	case 126:
		if len(b) < 4 {
			return 0, nil
		}
		n, hdr = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return 0, nil
		}
		n, hdr = binary.BigEndian.Uint64(b[2:]), 10
	}
	control := op >= opClose
	switch {
	case control && (!fin || n > 125):
		return 0, errFrame
	case !control && n > uint64(r.limit-len(r.msg)):
		return 0, errFrameTooBig
	}
	total := hdr + 4 + int(n)
	if len(b) < total {
		return 0, nil
	}
	payload := b[hdr+4 : total]
	unmask(payload, binary.LittleEndian.Uint32(b[hdr:]))
	return total, r.frame(fin, op, payload, fn)
}

// frame handles one unmasked frame: control frames and whole messages go
// to fn, fragments are joined.
func (r *frameReader) frame(fin bool, op byte, payload []byte, fn func(byte, []byte) error) error {
	switch op {
	case opClose, opPing, opPong:
		return fn(op, payload)
	case opText, opBinary:
		if r.msgOp != 0 {
			return errFrame
		}
		if fin {
			return fn(op, payload)
		}
		r.msgOp, r.msg = op, append(r.msg[:0], payload...)
		return nil
	case opContinuation:
		if r.msgOp == 0 {
			return errFrame
		}
		r.msg = append(r.msg, payload...)
		if !fin {
			return nil
		}
		op, msg := r.msgOp, r.msg
		r.msgOp, r.msg = 0, nil
		return fn(op, msg)
	}
	return errFrame
}

// unmask XORs payload with the 4-byte masking key, read little-endian
// from the frame (so that its first byte applies to payload[0]), eight
// bytes at a time.
func unmask(payload []byte, key uint32) {
	k8 := uint64(key) | uint64(key)<<32
	i := 0
	for ; i+8 <= len(payload); i += 8 {
		binary.LittleEndian.PutUint64(payload[i:], binary.LittleEndian.Uint64(payload[i:])^k8)
	}
	for ; i < len(payload); i++ {
		payload[i] ^= byte(key >> (8 * (i & 3)))
	}
}
