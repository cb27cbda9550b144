package protocol

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
)

// InlineAttachments returns a copy of data in which each placeholder
// object is replaced by the standard base64 JSON string of its
// attachment, so that encoding/json can decode it into a []byte anywhere.
//
// A placeholder is an object whose "_placeholder" member is true; its
// "num" member must then be the index of one of attachments (protocol.md
// 2.6). Whitespace and key order do not matter and, as in the Node
// reference, other members are ignored, the last of duplicate keys wins
// and placeholders nested inside a placeholder are not looked at. Unlike
// the reference, an attachment referenced by two placeholders is an error:
// senders never do it, and refusing it bounds the size of the result.
// Errors wrap ErrInvalidPacket.
func InlineAttachments(data json.RawMessage, attachments [][]byte) (json.RawMessage, error) {
	w := inliner{scanner: scanner{data: data}, atts: attachments}
	if err := w.run(); err != nil {
		return nil, err
	}
	if w.out == nil {
		return clone(data), nil
	}
	return append(w.out, data[w.from:]...), nil
}

// checkAttachments reports what InlineAttachments would, without building
// the result: the Decoder checks a binary packet's placeholders with it
// once the attachments are in.
func checkAttachments(data json.RawMessage, attachments [][]byte) error {
	w := inliner{scanner: scanner{data: data}, atts: attachments, check: true}
	return w.run()
}

// run walks the whole of w.data and returns the first problem.
func (w *inliner) run() error {
	if len(w.atts) > 0 {
		w.used = make([]bool, len(w.atts))
	}
	i := w.walk(skipSpace(w.data, 0))
	if i >= 0 {
		if i = skipSpace(w.data, i); i != len(w.data) {
			w.fail(i, "unexpected data after the JSON value")
		}
	}
	switch {
	case w.err != "":
		return invalid("payload is not valid JSON: %s at offset %d", w.err, w.errAt)
	case w.pending != nil:
		return w.pending
	}
	return nil
}

// inliner copies JSON text, replacing placeholders. Output is written
// lazily: data[from:] has not been copied to out yet.
type inliner struct {
	scanner
	check   bool // only check the placeholders, build no output
	atts    [][]byte
	out     []byte
	from    int
	used    []bool // attachments inlined so far
	log     []int  // the same, in order, so an enclosing placeholder can release them
	pending error  // first placeholder error not (yet) discarded by an enclosing placeholder
}

// walk scans the value at i, walking into arrays and objects.
func (w *inliner) walk(i int) int {
	if i < len(w.data) {
		switch w.data[i] {
		case '[':
			return w.walkArray(i)
		case '{':
			return w.walkObject(i)
		}
	}
	return w.value(i)
}

// walkArray is scanner.array with walk for the elements.
func (w *inliner) walkArray(i int) int { return w.list(i, ']', "array", w.walk) }

// objectState is what walkObject learns about one object.
type objectState struct {
	start, virt int    // offset of '{' in data, and where it lands in out
	mark        int    // len(log) at the start
	saved       error  // pending at the start
	isPH        bool   // "_placeholder" is true
	num         []byte // the "num" value token
}

// walkObject is scanner.object with walk for the values; at the end it
// replaces the object if it is a placeholder.
func (w *inliner) walkObject(i int) int {
	o := objectState{start: i, virt: len(w.out) + i - w.from, mark: len(w.log), saved: w.pending}
	w.pending = nil
	end := w.list(i, '}', "object", func(j int) int { return w.walkMember(&o, j) })
	if end < 0 {
		return -1
	}
	return w.endObject(&o, end)
}

// walkMember walks `"key" : value` at i, noting the placeholder members.
func (w *inliner) walkMember(o *objectState, i int) int {
	k := i
	ke, i := w.key(i)
	if i < 0 {
		return -1
	}
	key, special := w.data[k:ke], w.special
	v := i
	if i = w.walk(v); i < 0 {
		return -1
	}
	switch {
	case stringIs(key, special, "_placeholder"):
		o.isPH = w.data[v] == 't'
	case stringIs(key, special, "num"):
		o.num = w.data[v:i]
	}
	return i
}

// endObject finishes the object ending before end.
func (w *inliner) endObject(o *objectState, end int) int {
	if !o.isPH {
		if o.saved != nil {
			w.pending = o.saved
		}
		return end
	}
	// A placeholder: what was inside it no longer counts.
	for _, n := range w.log[o.mark:] {
		w.used[n] = false
	}
	w.log = w.log[:o.mark]
	w.pending = o.saved
	n, err := w.index(parseNum(o.num))
	if err != nil {
		if w.pending == nil {
			w.pending = err
		}
		return end
	}
	w.log = append(w.log, n)
	if w.check {
		return end
	}
	if w.out == nil {
		w.out = make([]byte, 0, w.sizeHint())
	}
	if w.from <= o.start {
		w.out = append(w.out, w.data[w.from:o.start]...)
	} else {
		w.out = w.out[:o.virt]
	}
	w.out = appendBase64(w.out, w.atts[n])
	w.from = end
	return end
}

// index checks the placeholder num f (ok false when num is missing or not
// a number) and marks the attachment used.
func (w *inliner) index(f float64, ok bool) (int, error) {
	n, err := attachmentIndex(f, ok, len(w.atts))
	if err == nil && w.used[n] {
		return 0, invalid("attachment %d is referenced by two placeholders", n)
	}
	if err == nil {
		w.used[n] = true
	}
	return n, err
}

// parseNum returns the value of the JSON token num, ok false when num is
// missing or not a number.
func parseNum(num []byte) (f float64, ok bool) {
	if len(num) == 0 || num[0] != '-' && !isDigit(num[0]) {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(num), 64)
	return f, err == nil
}

// sizeHint is the largest the output can get: each attachment is inlined
// at most once.
func (w *inliner) sizeHint() int {
	n := len(w.data)
	for _, a := range w.atts {
		n += base64.StdEncoding.EncodedLen(len(a)) + 2
	}
	return n
}

// appendBase64 appends b as a JSON string in standard base64.
func appendBase64(dst, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

// attachmentIndex checks that the placeholder num f is an index of n
// attachments; ok is false when num is missing or not a number.
func attachmentIndex(f float64, ok bool, n int) (int, error) {
	if !ok {
		return 0, invalid("placeholder without a numeric num")
	}
	if f != math.Trunc(f) || f < 0 || f >= float64(n) {
		return 0, invalid("placeholder num %v is not an index of the %d attachment(s)", f, n)
	}
	return int(f), nil
}
