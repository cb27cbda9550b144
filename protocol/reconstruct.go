package protocol

import "encoding/json"

// Reconstruct decodes data into a generic value (as json.Unmarshal into an
// any does) in which each placeholder object becomes its attachment, a
// []byte aliasing attachments. The placeholder rules are those of
// InlineAttachments, checked on the text first, so that both accept and
// refuse the same payloads (even one whose duplicate keys would hide a bad
// placeholder from a decoder that keeps the last key).
func Reconstruct(data json.RawMessage, attachments [][]byte) (any, error) {
	if _, err := InlineAttachments(data, attachments); err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, invalid("payload is not valid JSON: %v", err)
	}
	r := rebuilder{atts: attachments, used: make([]bool, len(attachments))}
	return r.walk(v)
}

// rebuilder replaces placeholders in a decoded value, top down.
type rebuilder struct {
	atts [][]byte
	used []bool
}

// walk returns v with its placeholders replaced; containers are updated
// in place.
func (r *rebuilder) walk(v any) (any, error) {
	var err error
	switch v := v.(type) {
	case []any:
		for i, e := range v {
			if v[i], err = r.walk(e); err != nil {
				return nil, err
			}
		}
	case map[string]any:
		if v["_placeholder"] == true {
			return r.attachment(v["num"])
		}
		for k, e := range v {
			if v[k], err = r.walk(e); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

// attachment returns the attachment a placeholder's num points to.
func (r *rebuilder) attachment(num any) (any, error) {
	f, ok := num.(float64)
	n, err := attachmentIndex(f, ok, len(r.atts))
	if err != nil {
		return nil, err
	}
	if r.used[n] {
		return nil, invalid("attachment %d is referenced by two placeholders", n)
	}
	r.used[n] = true
	return r.atts[n], nil
}
