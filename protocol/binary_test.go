package protocol

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestInlineAttachments(t *testing.T) {
	atts := [][]byte{bin123, bin456, {}}
	tests := []struct{ in, want string }{
		{`["baz"]`, `["baz"]`},
		{`["baz",` + ph(0) + `]`, `["baz","AQID"]`},
		{`["message-with-ack",` + ph(0) + `,` + ph(1) + `]`, `["message-with-ack","AQID","BAUG"]`},
		{ph(2), `""`},
		// Whitespace and key order.
		{"[ { \"num\" : 1 ,\n \"_placeholder\" : true } ]", `[ "BAUG" ]`},
		{`{"a":{"_placeholder":true,"num":0,"extra":[1]},"b":[{"num":1.0,"_placeholder":true}]}`, `{"a":"AQID","b":["BAUG"]}`},
		{`[{"\u005fplaceholder":true,"n\u0075m":0}]`, `["AQID"]`},
		// Not placeholders.
		{`[{"_placeholder":false,"num":0},{"_placeholder":"true","num":0},{"num":0},{"_placeholder":{"x":true}}]`,
			`[{"_placeholder":false,"num":0},{"_placeholder":"true","num":0},{"num":0},{"_placeholder":{"x":true}}]`},
		{`[{"_placeholder":true,"_placeholder":false,"num":9}]`, `[{"_placeholder":true,"_placeholder":false,"num":9}]`},
		// Last duplicate wins; placeholders inside a placeholder are ignored.
		{`[{"_placeholder":true,"num":9,"num":0}]`, `["AQID"]`},
		{`[{"_placeholder":true,"num":0,"x":{"_placeholder":true,"num":0}}]`, `["AQID"]`},
		{`[{"_placeholder":true,"num":1,"x":{"_placeholder":true,"num":9}},` + ph(0) + `]`, `["BAUG","AQID"]`},
		{`[{"_placeholder":true,"x":[` + ph(1) + `,` + ph(0) + `],"num":0},` + ph(1) + `]`, `["AQID","BAUG"]`},
	}
	for _, tc := range tests {
		got, err := InlineAttachments(json.RawMessage(tc.in), atts)
		if err != nil || string(got) != tc.want {
			t.Errorf("InlineAttachments(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestInlineAttachmentsDecodes(t *testing.T) {
	type msg struct {
		Name string
		Blob []byte
		List [][]byte
	}
	data := `{"Name":"n","Blob":` + ph(0) + `,"List":[` + ph(1) + `,` + ph(2) + `]}`
	out, err := InlineAttachments(json.RawMessage(data), [][]byte{bin123, bin456, bin12})
	if err != nil {
		t.Fatal(err)
	}
	var m msg
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	want := msg{"n", bin123, [][]byte{bin456, bin12}}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("got %+v, want %+v", m, want)
	}
}

func TestInlineAttachmentsDoesNotAlias(t *testing.T) {
	data := json.RawMessage(`["a",1]`)
	out, err := InlineAttachments(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	data[1] = 'X'
	if string(out) != `["a",1]` {
		t.Fatalf("output aliases the input: %s", out)
	}
}

// placeholderErrors are invalid for both InlineAttachments and Reconstruct,
// with two attachments.
var placeholderErrors = []struct{ in, why string }{
	{`["a",` + ph(2) + `]`, "not an index"},
	{`["a",` + ph(99) + `]`, "not an index"},
	{`["a",{"_placeholder":true,"num":-1}]`, "not an index"},
	{`["a",{"_placeholder":true,"num":0.5}]`, "not an index"},
	{`["a",{"_placeholder":true,"num":1e400}]`, ""},
	{`["a",{"_placeholder":true,"num":"0"}]`, "without a numeric num"},
	{`["a",{"_placeholder":true}]`, "without a numeric num"},
	{`["a",` + ph(0) + `,{"b":` + ph(0) + `}]`, "referenced by two placeholders"},
	{`["a",{"_placeholder":true,"num":0,"x":` + ph(5) + `},` + ph(7) + `]`, "not an index"},
	{`["a",` + ph(0), ""},
	{`["a"] x`, ""},
	{``, ""},
	{strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1), ""},
}

func TestInlineAttachmentsInvalid(t *testing.T) {
	atts := [][]byte{bin123, bin456}
	for _, tc := range placeholderErrors {
		got, err := InlineAttachments(json.RawMessage(tc.in), atts)
		if !errors.Is(err, ErrInvalidPacket) || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("InlineAttachments(%.60s) = %s, %v; want ErrInvalidPacket saying %q", tc.in, got, err, tc.why)
		}
	}
}

func TestReconstruct(t *testing.T) {
	atts := [][]byte{bin123, bin456}
	tests := []struct {
		in   string
		want any
	}{
		{`["baz",` + ph(0) + `]`, []any{"baz", bin123}},
		{`{"a":[{"num":1,"_placeholder":true}],"b":{"_placeholder":false}}`,
			map[string]any{"a": []any{bin456}, "b": map[string]any{"_placeholder": false}}},
		{ph(1), bin456},
		{`[{"_placeholder":true,"num":0,"x":{"_placeholder":true,"num":0}}]`, []any{bin123}},
		{`3`, 3.0},
	}
	for _, tc := range tests {
		got, err := Reconstruct(json.RawMessage(tc.in), atts)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Reconstruct(%s) = %#v, %v; want %#v", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range placeholderErrors {
		got, err := Reconstruct(json.RawMessage(tc.in), atts)
		if !errors.Is(err, ErrInvalidPacket) || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("Reconstruct(%.60s) = %v, %v; want ErrInvalidPacket saying %q", tc.in, got, err, tc.why)
		}
	}
}
