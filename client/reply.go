package client

import (
	"encoding/json"
	"fmt"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/protocol"
	"github.com/socketeer/socketeer/router"
)

// Reply is the acknowledgement of an event: the args the other side
// passed to its ack callback (or returned from its handler).
type Reply struct {
	args []json.RawMessage
	atts [][]byte
}

// Len returns the number of args.
func (r Reply) Len() int { return len(r.args) }

// Decode decodes the args, in order, into vs (pointers); extra args are
// ignored and a missing one is an error. Binary attachments decode into
// []byte values, also inside an any.
func (r Reply) Decode(vs ...any) error {
	if len(vs) > len(r.args) {
		return fmt.Errorf("%w: the reply has %d args, %d wanted", errors.ErrArgs, len(r.args), len(vs))
	}
	for i, v := range vs {
		if err := router.DecodeArg(r.args[i], r.atts, v); err != nil {
			return &errors.DecodeError{Event: "ack", Arg: i, Err: err}
		}
	}
	return nil
}

// Raw returns the args as raw JSON, with each binary attachment inlined as
// a base64 string.
func (r Reply) Raw() ([]json.RawMessage, error) {
	if len(r.atts) == 0 {
		return r.args, nil
	}
	out := make([]json.RawMessage, len(r.args))
	for i, a := range r.args {
		var err error
		if out[i], err = protocol.InlineAttachments(a, r.atts); err != nil {
			return nil, err
		}
	}
	return out, nil
}
