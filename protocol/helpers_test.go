package protocol

import (
	"bytes"
	"fmt"
)

// decodeAll feeds text and then bins to a fresh Decoder and returns the
// packet once complete.
func decodeAll(text string, bins ...[]byte) (*Packet, error) {
	return decodeWith(NewDecoder(Limits{}), text, bins...)
}

func decodeWith(d *Decoder, text string, bins ...[]byte) (*Packet, error) {
	p, done, err := d.DecodeText([]byte(text))
	for _, b := range bins {
		if err != nil || done {
			break
		}
		p, done, err = d.DecodeBinary(b)
	}
	switch {
	case err != nil:
		return nil, err
	case !done:
		return nil, fmt.Errorf("packet not complete after %d attachment(s)", len(bins))
	}
	return p, nil
}

// samePacket reports whether a and b are equal, nil and empty byte
// slices being the same.
func samePacket(a, b *Packet) bool {
	if a.Type != b.Type || a.Namespace != b.Namespace || a.ID != b.ID ||
		!bytes.Equal(a.Data, b.Data) || len(a.Attachments) != len(b.Attachments) {
		return false
	}
	for i := range a.Attachments {
		if !bytes.Equal(a.Attachments[i], b.Attachments[i]) {
			return false
		}
	}
	return true
}

// show formats p for test messages.
func show(p *Packet) string {
	if p == nil {
		return "<nil>"
	}
	return fmt.Sprintf("{%s %q id=%d data=%q atts=%x}", p.Type, p.Namespace, p.ID, p.Data, p.Attachments)
}

// ph returns the placeholder text for attachment n.
func ph(n int) string {
	return fmt.Sprintf(`{"_placeholder":true,"num":%d}`, n)
}

// pkt builds a packet; data "" means absent.
func pkt(t PacketType, ns string, id int64, data string, atts ...[]byte) *Packet {
	p := &Packet{Type: t, Namespace: ns, ID: id, Attachments: atts}
	if data != "" {
		p.Data = []byte(data)
	}
	return p
}
