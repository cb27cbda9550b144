package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"
)

func TestAppendEvent(t *testing.T) {
	type point struct {
		X, Y int
		B    []byte
	}
	tests := []struct {
		name string
		args []any
		want string
		atts [][]byte
	}{
		{"foo", nil, `["foo"]`, nil},
		{"hey", []any{"Jude"}, `["hey","Jude"]`, nil},
		{"a\"<b>", []any{"x&y\n"}, `["a\"<b>","x&y\n"]`, nil},
		{"scalars", []any{nil, true, false, 1, int64(-2), int32(3), uint(4), uint64(5), uint32(6), 1.5, 1e21, 1e-7, 100.0},
			`["scalars",null,true,false,1,-2,3,4,5,6,1.5,1e+21,1e-7,100]`, nil},
		{"raw", []any{json.RawMessage(`{"a": 1}`), json.RawMessage(nil)}, `["raw",{"a": 1},null]`, nil},
		{"map", []any{map[string]any{"b": 1, "a": []any{"x", nil}, "c": map[string]any{}}},
			`["map",{"a":["x",null],"b":1,"c":{}}]`, nil},
		{"struct", []any{point{1, 2, []byte{1}}, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
			`["struct",{"X":1,"Y":2,"B":"AQ=="},"2024-01-02T03:04:05Z"]`, nil},
		{"nils", []any{[]byte(nil), [][]byte(nil), []any(nil), map[string]any(nil)}, `["nils",null,null,null,null]`, nil},
		// Binary: placeholders numbered depth first.
		{"baz", []any{bin1234}, `["baz",` + ph(0) + `]`, [][]byte{bin1234}},
		{"baz", []any{bin12, bin34}, `["baz",` + ph(0) + `,` + ph(1) + `]`, [][]byte{bin12, bin34}},
		{"deep", []any{1, map[string]any{"z": bin34, "a": []any{bin12, "s"}}, [][]byte{bin123, nil, bin456}, []byte{}},
			`["deep",1,{"a":[` + ph(0) + `,"s"],"z":` + ph(1) + `},[` + ph(2) + `,null,` + ph(3) + `],` + ph(4) + `]`,
			[][]byte{bin12, bin34, bin123, bin456, {}}},
	}
	for _, tc := range tests {
		got, atts, err := AppendEvent([]byte("x"), tc.name, tc.args)
		if err != nil {
			t.Errorf("AppendEvent(%q, %v): %v", tc.name, tc.args, err)
			continue
		}
		if string(got) != "x"+tc.want || !sameBlobs(atts, tc.atts) {
			t.Errorf("AppendEvent(%q, %v) = %s %x, want %s %x", tc.name, tc.args, got[1:], atts, tc.want, tc.atts)
		}
		if !json.Valid(got[1:]) {
			t.Errorf("AppendEvent(%q, %v) is not valid JSON: %s", tc.name, tc.args, got[1:])
		}
	}
}

func sameBlobs(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestAppendArgs(t *testing.T) {
	tests := []struct {
		args []any
		want string
		atts [][]byte
	}{
		{nil, `[]`, nil},
		{[]any{1, "2", map[string]any{"3": []any{false}}}, `[1,"2",{"3":[false]}]`, nil},
		{[]any{map[string]any{"ok": true, "got": []any{1, true}}}, `[{"got":[1,true],"ok":true}]`, nil},
		{[]any{bin123, bin456}, `[` + ph(0) + `,` + ph(1) + `]`, [][]byte{bin123, bin456}},
	}
	for _, tc := range tests {
		got, atts, err := AppendArgs(nil, tc.args)
		if err != nil || string(got) != tc.want || !sameBlobs(atts, tc.atts) {
			t.Errorf("AppendArgs(%v) = %s %x %v, want %s %x", tc.args, got, atts, err, tc.want, tc.atts)
		}
	}
}

func TestAppendEventErrors(t *testing.T) {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	for _, args := range [][]any{
		{math.NaN()},
		{math.Inf(1)},
		{func() {}},
		{make(chan int)},
		{cyclic},
		{map[string]any{"a": []any{1, math.Inf(-1)}}},
	} {
		got, atts, err := AppendEvent([]byte("keep"), "e", args)
		if err == nil || string(got) != "keep" || atts != nil {
			t.Errorf("AppendEvent(%v) = %q, %v, %v; want an error and dst unchanged", args, got, atts, err)
		}
	}
	if _, _, err := AppendEvent(nil, "e", []any{cyclic}); !errors.Is(err, errArgsTooDeep) {
		t.Errorf("cyclic value: got %v, want errArgsTooDeep", err)
	}
}

func TestAppendEventAllocs(t *testing.T) {
	args := []any{"hello", 42, true, map[string]any{"id": 1, "text": "hello world"}}
	dst := make([]byte, 0, 256)
	n := testing.AllocsPerRun(100, func() {
		var err error
		if dst, _, err = AppendEvent(dst[:0], "echo", args); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Errorf("AppendEvent: %v allocs, want 0", n)
	}
}
