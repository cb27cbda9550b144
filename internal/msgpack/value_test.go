package msgpack

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/protocol"
)

// The JSON of the dates and of the float 32 below was checked against
// notepack 2.2's decoder and JSON.stringify under Node 20.
func TestAppendJSON(t *testing.T) {
	for _, c := range []struct {
		hex, json string
		atts      int
	}{
		{"c0", `null`, 0},
		{"c3", `true`, 0},
		{"7f", `127`, 0},
		{"e0", `-32`, 0},
		{"cfffffffffffffffff", `18446744073709551615`, 0},
		{"d38000000000000000", `-9223372036854775808`, 0},
		{"d1ff7f", `-129`, 0},
		{"ca3dcccccd", `0.10000000149011612`, 0}, // float 32, widened as JavaScript does
		{"cb8000000000000000", `0`, 0},           // -0, as JSON.stringify writes it
		{"cb7ff8000000000000", `null`, 0},        // NaN
		{"cb7ff0000000000000", `null`, 0},        // +Inf
		{"cb44b52d02c7e14af6", `1e+23`, 0},
		{"a3610a22", `"a\n\""`, 0},
		{"a2ff61", "\"\ufffda\"", 0},         // invalid UTF-8, replaced
		{"a3e282ac", `"€"`, 0},               // valid UTF-8 is kept
		{"a101", `"\u0001"`, 0},              // control character
		{"d40000", `null`, 0},                // undefined at the top
		{"92d40000c0", `[null,null]`, 0},     // undefined in an array
		{"82a161d40000a16202", `{"b":2}`, 0}, // undefined member dropped
		{"82a16201a161d40000", `{"b":1}`, 0}, // ... also when last
		{"83a16101a16102a16103", `{"a":1,"a":2,"a":3}`, 0},
		{"8301a161c3a162c0a163", `{"1":"a","true":"b","null":"c"}`, 0},
		{"c4020102", `{"_placeholder":true,"num":0}`, 1},
		{"c70200ff01", `{"_placeholder":true,"num":0}`, 1}, // ArrayBuffer
		{"92c401aac70100bb", `[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, 2},
		{"d5050102", `[5,{"_placeholder":true,"num":0}]`, 1}, // unknown extension
		{"d7000000018f34069e05", `"2024-05-01T12:00:00.005Z"`, 0},
		{"d700001eb208c2dc0000", `"+275760-09-13T00:00:00.000Z"`, 0},
		{"d700ffe14df73d240000", `"-271821-04-20T00:00:00.000Z"`, 0},
		{"d700001eb208c2dc0001", `null`, 0}, // beyond the range of a Date
		{"d700fffffffffffffc19", `"1969-12-31T23:59:59.001Z"`, 0},
		{"d6ff00000001", `"1970-01-01T00:00:01.000Z"`, 0},                   // timestamp 32
		{"d7ff0000000000000000", `"1970-01-01T00:00:00.000Z"`, 0},           // timestamp 64
		{"c70cff000f4240ffffffffffffffff", `"1969-12-31T23:59:59.001Z"`, 0}, // timestamp 96
	} {
		got, atts, err := AppendJSON([]byte("x"), mustHex(t, c.hex))
		if err != nil {
			t.Errorf("%s: %v", c.hex, err)
			continue
		}
		if string(got) != "x"+c.json || len(atts) != c.atts {
			t.Errorf("%s: got %s (%d attachments), want %s (%d)", c.hex, got[1:], len(atts), c.json, c.atts)
		}
	}
}

func TestAppendJSONErrors(t *testing.T) {
	for _, c := range []struct {
		hex  string
		want error
	}{
		{"", ErrMalformed},
		{"c1", ErrMalformed},           // never used
		{"c0c0", ErrMalformed},         // trailing bytes
		{"92c0", ErrMalformed},         // truncated array
		{"a5616263", ErrMalformed},     // truncated string
		{"dbffffffff61", ErrMalformed}, // str 32 claiming 4 GiB
		{"c6ffffffff", ErrMalformed},   // bin 32 claiming 4 GiB
		{"ddffffffff", ErrMalformed},   // array 32 claiming 4G elements
		{"dfffffffff", ErrMalformed},   // map 32 claiming 4G pairs
		{"c9ffffffff00", ErrMalformed}, // ext 32 claiming 4 GiB
		{"d700000000", ErrMalformed},   // truncated fixext
		{"8190c0", ErrMalformed},       // array as a map key
		{"81c40161c0", ErrMalformed},   // bin as a map key
		{strings.Repeat("91", 1001) + "c0", ErrTooDeep},
	} {
		got, atts, err := AppendJSON([]byte("keep"), mustHex(t, c.hex))
		if !errors.Is(err, c.want) || string(got) != "keep" || atts != nil {
			t.Errorf("%.20s: got %q, %v, want %v", c.hex, got, err, c.want)
		}
	}
	if _, _, err := AppendJSON(nil, mustHex(t, strings.Repeat("91", 1000)+"c0")); err != nil {
		t.Errorf("depth 1000: %v", err)
	}
}

func TestAppendFromJSON(t *testing.T) {
	atts := [][]byte{{1, 2}, {3}}
	for _, c := range []struct{ json, hex string }{
		{`null`, "c0"},
		{` [true , false] `, "92c3c2"},
		{`0`, "00"},
		{`-0`, "00"},
		{`-0.0`, "00"},
		{`1.0`, "01"},
		{`1e2`, "64"},
		{`-1`, "ff"},
		{`-33`, "d0df"},
		{`255`, "ccff"},
		{`65536`, "ce00010000"},
		{`-2147483649`, "d3ffffffff7fffffff"},
		{`18446744073709551615`, "cfffffffffffffffff"}, // exact, where JavaScript would round
		{`18446744073709551616`, "cb43f0000000000000"}, // beyond uint64: a float
		{`1.5`, "cb3ff8000000000000"},
		{`1e400`, "cb7ff0000000000000"},
		{`"a\u00e9\ud83d\ude00\n\/"`, "a9" + "61c3a9f09f98800a2f"},
		{`"\ud800x"`, "a4efbfbd78"}, // lone surrogate → U+FFFD
		{`{"a":[],"b":{}}`, "82a16190a16280"},
		{`{"_placeholder":true,"num":1}`, "c40103"},
		{`[{"num":0,"_placeholder":true,"x":1}]`, "91c4020102"},
		{`{"_placeholder":false,"num":0}`, "82ac5f706c616365686f6c646572c2a36e756d00"},
		{`[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]`, "dc0010000102030405060708090a0b0c0d0e0f"},
	} {
		got, err := AppendFromJSON([]byte{0xee}, []byte(c.json), atts)
		if err != nil {
			t.Errorf("%s: %v", c.json, err)
			continue
		}
		if hex.EncodeToString(got) != "ee"+c.hex {
			t.Errorf("%s: got %x, want ee%s", c.json, got, c.hex)
		}
	}
	// Without attachments a placeholder is an ordinary object.
	got, _ := AppendFromJSON(nil, []byte(`{"_placeholder":true,"num":0}`), nil)
	if hex.EncodeToString(got) != "82ac5f706c616365686f6c646572c3a36e756d00" {
		t.Errorf("placeholder without attachments: %x", got)
	}
	for _, bad := range []string{``, `[`, `[1,]`, `{"a"}`, `{"a":1,}`, `01`, `1.`, `-`, `"\x"`, "\"\x01\"", `nul`, `[] x`,
		`{"_placeholder":true,"num":2}`, `{"_placeholder":true}`, `{"_placeholder":true,"num":"0"}`} {
		got, err := AppendFromJSON([]byte("k"), []byte(bad), atts)
		if !errors.Is(err, ErrInvalidJSON) || string(got) != "k" {
			t.Errorf("%q: got %q, %v", bad, got, err)
		}
	}
	if _, err := AppendFromJSON(nil, []byte(strings.Repeat("[", maxJSONDepth+1)), nil); !errors.Is(err, ErrTooDeep) {
		t.Errorf("deep JSON: %v", err)
	}
}

// TestAppendMatchesJSONPath checks that a Go value encodes to the bytes the
// JSON parser's encoding of it transcodes to, so that a client sees the
// same value whichever parser it uses.
func TestAppendMatchesJSONPath(t *testing.T) {
	type inner struct {
		B []byte `json:"b"`
	}
	type msg struct {
		ID    int            `json:"id"`
		Text  string         `json:"text,omitempty"`
		At    time.Time      `json:"at"`
		In    inner          `json:"in"`
		Extra map[string]int `json:"extra"`
	}
	for _, v := range []any{
		nil, true, "héllo", 0, -1, int8(-128), int16(300), int32(-70000), uint8(200), uint16(60000), uint32(1 << 31),
		uint64(math.MaxUint64), int64(math.MinInt64), 1.5, 3.0, -0.0, 1e21, 1e300, float32(0.1), float32(3),
		[]any{1, "a", nil, []any{}}, map[string]any{"z": 1, "a": map[string]any{"k": []any{true}}},
		msg{ID: 7, At: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), In: inner{B: []byte{1}}, Extra: map[string]int{"b": 2, "a": 1}},
		json.RawMessage(`{"raw":[1,2]}`), []string{"x", "y"}, map[int]string{2: "b", 1: "a"},
	} {
		got, err := Append(nil, v)
		if err != nil {
			t.Errorf("%#v: %v", v, err)
			continue
		}
		text, _, err := protocol.AppendArgs(nil, []any{v})
		if err != nil {
			t.Fatal(err)
		}
		want, err := AppendFromJSON(nil, text, nil)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != hex.EncodeToString(want[1:]) { // want is a one-element array
			t.Errorf("%#v:\n got %x\nwant %x", v, got, want[1:])
		}
	}
}

func TestAppendErrors(t *testing.T) {
	cyclic := []any{nil}
	cyclic[0] = cyclic
	for _, c := range []struct {
		v    any
		want error
	}{
		{math.NaN(), ErrNotEncodable},
		{[]any{1, math.Inf(1)}, ErrNotEncodable},
		{float32(math.Inf(-1)), ErrNotEncodable},
		{make(chan int), ErrNotEncodable},
		{cyclic, ErrTooDeep},
	} {
		got, err := Append([]byte("k"), c.v)
		if !errors.Is(err, c.want) || string(got) != "k" {
			t.Errorf("%T: got %q, %v, want %v", c.v, got, err, c.want)
		}
	}
}

// TestDecodeMatchesReconstruct checks that Decode gives what the JSON path
// gives: protocol.Reconstruct of AppendJSON's output.
func TestDecodeMatchesReconstruct(t *testing.T) {
	for _, g := range golden {
		r := reader{b: mustHex(t, g.hex)}
		for tok, _ := r.next(); tok.n > 0; tok.n-- { // find the data member
			k, _ := r.next()
			start := r.i
			r.skip(0, DefaultMaxDepth)
			if string(k.data) == "data" {
				checkDecode(t, r.b[start:r.i])
			}
		}
	}
}

// checkDecode compares Decode(b) with Reconstruct(AppendJSON(b)).
func checkDecode(t *testing.T, b []byte) {
	t.Helper()
	text, atts, err := AppendJSON(nil, b)
	got, err2 := Decode(b)
	if (err == nil) != (err2 == nil) {
		t.Fatalf("%x: AppendJSON error %v, Decode error %v", b, err, err2)
	}
	if err != nil || strings.Count(string(text), `"_placeholder"`) != len(atts) {
		return // a literal placeholder object in msgpack means nothing special
	}
	want, err := protocol.Reconstruct(text, atts)
	if err != nil {
		t.Fatalf("%x: Reconstruct(%s): %v", b, text, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%x:\n Decode      %#v\n Reconstruct %#v", b, got, want)
	}
}
