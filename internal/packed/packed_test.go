package packed

import (
	"maps"
	"slices"
	"testing"
)

func TestValuesRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		m    map[string][]string
	}{
		{"nil", nil},
		{"empty", map[string][]string{}},
		{"headers", map[string][]string{
			"Host":              {"127.0.0.1:3000"},
			"Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="},
			"Cookie":            {"a=1", "b=2"},
			"X-Empty":           {},
			"X-Blank":           {""},
		}},
		{"odd bytes", map[string][]string{"": {"\x00\xff", string(make([]byte, 300))}, "k\x80": {"v"}}},
		{"common and not", map[string][]string{
			"Upgrade":    {"websocket"},
			"Connection": {"Upgrade", "upgrade"},
			"EIO":        {"4", "websocket"},
			"X-Own":      {"Upgrade", "Upgrade "},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Values(string(AppendValues(nil, tt.m)))
			if (got == nil) != (tt.m == nil) {
				t.Fatalf("nil map: got %v, want %v", got == nil, tt.m == nil)
			}
			if !maps.EqualFunc(got, tt.m, slices.Equal) {
				t.Errorf("got %q, want %q", got, tt.m)
			}
		})
	}
}

func TestValuesMalformed(t *testing.T) {
	full := string(AppendValues(nil, map[string][]string{"Key": {"value", "other"}}))
	for i := range len(full) {
		m := Values(full[:i]) // must not panic; keeps only complete keys
		if v, ok := m["Key"]; ok && len(v) != 2 {
			t.Errorf("cut at %d: got %q", i, v)
		}
	}
	if m := Values("\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"); len(m) != 0 {
		t.Errorf("overlong length: got %q", m)
	}
	if m := Values("\x02\xff\x01\x00"); len(m) != 0 { // key: common string 127, past the list
		t.Errorf("unknown common string: got %q", m)
	}
	if m := Values("\x02\x01\x01\x3f"); len(m) != 1 || len(m["Upgrade"]) != 1 || m["Upgrade"][0] != "13" {
		t.Errorf("common strings: got %q", m)
	}
}

// TestCommonShorter checks that a websocket handshake's usual headers
// pack into fewer bytes than their text.
func TestCommonShorter(t *testing.T) {
	h := map[string][]string{
		"Upgrade": {"websocket"}, "Connection": {"Upgrade"}, "Sec-Websocket-Version": {"13"},
		"Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}, "User-Agent": {"Go-http-client/1.1"},
	}
	if n := len(AppendValues(nil, h)); n > 40 {
		t.Errorf("packed in %d bytes, want at most 40", n)
	}
}

func TestPart(t *testing.T) {
	s := "headeraddr/url"
	ends := []uint32{6, 10}
	for i, want := range []string{"header", "addr", "/url"} {
		if got := Part(s, ends, i); got != want {
			t.Errorf("Part %d = %q, want %q", i, got, want)
		}
	}
}
