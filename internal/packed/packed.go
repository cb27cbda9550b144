package packed

import "encoding/binary"

// AppendValues appends m in packed form: the number of keys plus one (0
// for a nil map), then for each key the key, its number of values and
// each value, counts as uvarints. A string is the uvarint 2i+1 when it is
// common[i], else the uvarint 2n and its n bytes. Keys and values may
// hold any bytes.
func AppendValues(dst []byte, m map[string][]string) []byte {
	if m == nil {
		return append(dst, 0)
	}
	dst = binary.AppendUvarint(dst, uint64(len(m))+1)
	for k, vs := range m {
		dst = appendString(dst, k)
		dst = binary.AppendUvarint(dst, uint64(len(vs)))
		for _, v := range vs {
			dst = appendString(dst, v)
		}
	}
	return dst
}

func appendString(dst []byte, s string) []byte {
	if i, ok := commonIndex[s]; ok {
		return binary.AppendUvarint(dst, uint64(i)<<1|1)
	}
	return append(binary.AppendUvarint(dst, uint64(len(s))<<1), s...)
}

// common lists the header names and values (and query keys) most
// handshakes carry, which a packed map names by their index: a websocket
// handshake's headers then take about half the bytes. Packed strings live
// only in this process, so the list may change freely.
var common = [...]string{
	// Header names, in canonical form.
	"Upgrade", "Connection", "Sec-Websocket-Key", "Sec-Websocket-Version",
	"Sec-Websocket-Extensions", "Sec-Websocket-Protocol", "User-Agent", "Origin",
	"Accept", "Accept-Encoding", "Accept-Language", "Cache-Control", "Pragma",
	"Cookie", "Authorization", "Referer", "Content-Type", "Content-Length",
	"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Real-Ip",
	"Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Ch-Ua",
	"Sec-Ch-Ua-Mobile", "Sec-Ch-Ua-Platform", "Dnt", "Priority",
	// Header values.
	"websocket", "13", "keep-alive", "keep-alive, Upgrade", "no-cache", "*/*",
	"permessage-deflate; client_max_window_bits", "gzip, deflate, br",
	"gzip, deflate, br, zstd", "gzip", "Go-http-client/1.1", "empty", "cors",
	"same-origin", "same-site", "cross-site", "?0", "?1",
	`"Windows"`, `"macOS"`, `"Linux"`, `"Android"`, "text/plain;charset=UTF-8",
	"text/plain; charset=UTF-8", "en-US,en;q=0.9", "en-US,en;q=0.5",
	// Query keys and values.
	"EIO", "transport", "sid", "t", "4", "polling",
}

// commonIndex maps each string of common to its index; read only.
var commonIndex = func() map[string]int {
	m := make(map[string]int, len(common))
	for i, s := range common {
		if _, dup := m[s]; !dup {
			m[s] = i
		}
	}
	return m
}()

// Values unpacks a map AppendValues packed at the start of s; its strings
// share s's memory. Malformed input yields what could be read.
func Values(s string) map[string][]string {
	r := reader{s: s}
	n := r.uvarint()
	if n == 0 {
		return nil
	}
	m := make(map[string][]string, min(n-1, uint64(len(s))))
	for i := uint64(1); i < n && r.ok(); i++ {
		k := r.str()
		nv := r.uvarint()
		vs := make([]string, 0, min(nv, uint64(len(r.s))))
		for j := uint64(0); j < nv && r.ok(); j++ {
			vs = append(vs, r.str())
		}
		if r.ok() {
			m[k] = vs
		}
	}
	return m
}

// reader walks a packed string; a short or malformed one sets bad.
type reader struct {
	s   string
	bad bool
}

func (r *reader) ok() bool { return !r.bad }

func (r *reader) uvarint() uint64 {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if len(r.s) == 0 {
			r.bad = true
			return 0
		}
		b := r.s[0]
		r.s = r.s[1:]
		x |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return x
		}
	}
	r.bad = true
	return 0
}

func (r *reader) str() string {
	n := r.uvarint()
	if n&1 == 1 {
		if i := n >> 1; !r.bad && i < uint64(len(common)) {
			return common[i]
		}
		r.bad = true
		return ""
	}
	n >>= 1
	if r.bad || n > uint64(len(r.s)) {
		r.bad = true
		r.s = ""
		return ""
	}
	v := r.s[:n]
	r.s = r.s[n:]
	return v
}

// Part returns part i of a record: the strings concatenated in s, part i
// ending at ends[i] and the last one at the end of s.
func Part(s string, ends []uint32, i int) string {
	start, end := uint32(0), uint32(len(s))
	if i > 0 {
		start = ends[i-1]
	}
	if i < len(ends) {
		end = ends[i]
	}
	return s[start:end]
}
