package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// clientFrame builds a masked client frame.
func clientFrame(fin bool, op byte, payload []byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	out := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		out = append(out, 0x80|byte(n))
	case n <= 0xffff:
		out = binary.BigEndian.AppendUint16(append(out, 0x80|126), uint16(n))
	default:
		out = binary.BigEndian.AppendUint64(append(out, 0x80|127), uint64(n))
	}
	key := []byte{1, 2, 3, 4}
	out = append(out, key...)
	for i, c := range payload {
		out = append(out, c^key[i&3])
	}
	return out
}

type seen struct {
	op      byte
	payload string
}

func collect(t *testing.T, r *frameReader, chunks ...[]byte) ([]seen, error) {
	t.Helper()
	var got []seen
	for _, c := range chunks {
		err := r.feed(c, func(op byte, p []byte) error {
			got = append(got, seen{op, string(p)})
			return nil
		})
		if err != nil {
			return got, err
		}
	}
	return got, nil
}

func TestFrameReader(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 70000)
	all := bytes.Join([][]byte{
		clientFrame(true, opText, []byte("4hello")),
		clientFrame(false, opBinary, []byte{1, 2}),
		clientFrame(true, opPing, []byte("p")), // control between fragments
		clientFrame(true, opContinuation, []byte{3}),
		clientFrame(true, opText, big),
		clientFrame(true, opClose, []byte{0x03, 0xe8}),
	}, nil)
	want := []seen{{opText, "4hello"}, {opPing, "p"}, {opBinary, "\x01\x02\x03"}, {opText, string(big)}, {opClose, "\x03\xe8"}}
	for _, size := range []int{1, 2, 3, 7, 100, 4096, len(all)} {
		r := &frameReader{limit: 1 << 20}
		var chunks [][]byte
		for i := 0; i < len(all); i += size {
			chunks = append(chunks, bytes.Clone(all[i:min(i+size, len(all))]))
		}
		got, err := collect(t, r, chunks...)
		if err != nil {
			t.Fatalf("chunks of %d: %v", size, err)
		}
		if len(got) != len(want) {
			t.Fatalf("chunks of %d: %d messages, want %d", size, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("chunks of %d: message %d = %d %.20q, want %d %.20q", size, i, got[i].op, got[i].payload, want[i].op, want[i].payload)
			}
		}
		if r.held() > 0 {
			t.Fatalf("chunks of %d: bytes left buffered", size)
		}
	}
}

func TestFrameReaderErrors(t *testing.T) {
	unmasked := clientFrame(true, opText, []byte("x"))
	unmasked[1] &^= 0x80
	rsv := clientFrame(true, opText, []byte("x"))
	rsv[0] |= 0x40
	tests := []struct {
		name  string
		in    []byte
		limit int
		want  error
	}{
		{"unmasked", unmasked, 100, errFrame},
		{"reserved bits", rsv, 100, errFrame},
		{"unknown opcode", clientFrame(true, 0x3, nil), 100, errFrame},
		{"continuation first", clientFrame(true, opContinuation, []byte("x")), 100, errFrame},
		{"fragmented control", clientFrame(false, opPing, nil), 100, errFrame},
		{"long control", clientFrame(true, opPing, make([]byte, 126)), 1000, errFrame},
		{"too big, one frame", clientFrame(true, opText, make([]byte, 101)), 100, errFrameTooBig},
		// Refused from the header alone, before the payload arrives.
		{"too big, header only", clientFrame(true, opBinary, make([]byte, 70000))[:10], 1000, errFrameTooBig},
		{"too big, fragments", append(clientFrame(false, opText, make([]byte, 60)), clientFrame(true, opContinuation, make([]byte, 60))...), 100, errFrameTooBig},
		{"new message inside a fragmented one", append(clientFrame(false, opText, []byte("a")), clientFrame(true, opText, []byte("b"))...), 100, errFrame},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := collect(t, &frameReader{limit: tt.limit}, tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzFrameReader(f *testing.F) {
	f.Add(clientFrame(true, opText, []byte("4hello")), 3)
	f.Add(append(clientFrame(false, opBinary, []byte{1}), clientFrame(true, opContinuation, []byte{2})...), 1)
	f.Fuzz(func(t *testing.T, data []byte, chunk int) {
		chunk = max(1, chunk%64)
		r := &frameReader{limit: 1 << 16}
		total := 0
		for i := 0; i < len(data); i += chunk {
			err := r.feed(bytes.Clone(data[i:min(i+chunk, len(data))]), func(op byte, p []byte) error {
				if len(p) > 1<<16 {
					t.Fatalf("message of %d bytes over the limit", len(p))
				}
				total += len(p)
				return nil
			})
			if err != nil {
				return
			}
		}
		if total > len(data) {
			t.Fatalf("%d payload bytes out of %d input bytes", total, len(data))
		}
	})
}

// TestUnmask checks the word-wise unmasking against the byte-wise
// definition of RFC 6455 section 5.3, for every length around a word.
func TestUnmask(t *testing.T) {
	key := [4]byte{0x12, 0x9a, 0xfe, 0x01}
	for n := range 40 {
		payload := make([]byte, n)
		want := make([]byte, n)
		for i := range payload {
			payload[i] = byte(i*7 + 3)
			want[i] = payload[i] ^ key[i%4]
		}
		unmask(payload, binary.LittleEndian.Uint32(key[:]))
		if !bytes.Equal(payload, want) {
			t.Errorf("length %d: got % x, want % x", n, payload, want)
		}
	}
}
