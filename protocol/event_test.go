package protocol

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestSplitEvent(t *testing.T) {
	tests := []struct {
		in   string
		name string
		args []string
	}{
		{`["foo"]`, "foo", nil},
		{`["hey","Jude"]`, "hey", []string{`"Jude"`}},
		{`["message-with-ack",1,"2",{"3":[false]}]`, "message-with-ack", []string{`1`, `"2"`, `{"3":[false]}`}},
		{" [ \"a\" ,\n[1, 2] , {\"k\": \"v,]\"} ] ", "a", []string{`[1, 2]`, `{"k": "v,]"}`}},
		{`["a\"b\\c\u00e9\ud83d\ude00"]`, "a\"b\\cé😀", nil},
		{`["ünïcode"]`, "ünïcode", nil},
		{"[\"bad\xffutf8\"]", "bad\ufffdutf8", nil},
		{`["a",null,true,false,-1.5e3,"",[],{}]`, "a", []string{`null`, `true`, `false`, `-1.5e3`, `""`, `[]`, `{}`}},
		{`["a",1,2,3,4,5,6,7,8,9,10]`, "a", []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}},
		// Numeric names take their JavaScript string form.
		{`[1]`, "1", nil},
		{`[-0]`, "0", nil},
		{`[1.0,"x"]`, "1", []string{`"x"`}},
		{`[1e2]`, "100", nil},
		{`[0.1]`, "0.1", nil},
		{`[-12.5]`, "-12.5", nil},
		{`[0.000001]`, "0.000001", nil},
		{`[1.5e-7]`, "1.5e-7", nil},
		{`[1e21]`, "1e+21", nil},
		{`[2.5E+25]`, "2.5e+25", nil},
		{`[123456789012345678]`, "123456789012345680", nil},
		{`[100000000000000000000]`, "100000000000000000000", nil},
		{`[1e400]`, "Infinity", nil},
		{`[-1e400]`, "-Infinity", nil},
		{`[1e-400]`, "0", nil},
	}
	for _, tc := range tests {
		name, args, err := SplitEvent(json.RawMessage(tc.in))
		if err != nil {
			t.Errorf("SplitEvent(%s): %v", tc.in, err)
			continue
		}
		if name != tc.name || !sameRaw(args, tc.args) {
			t.Errorf("SplitEvent(%s) = %q %q, want %q %q", tc.in, name, args, tc.name, tc.args)
		}
	}
}

func sameRaw(got []json.RawMessage, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if string(got[i]) != want[i] {
			return false
		}
	}
	return true
}

func TestSplitEventInvalid(t *testing.T) {
	for _, in := range []string{
		``, ` `, `[]`, `{}`, `"x"`, `[true]`, `[null]`, `[{}]`, `[["a"]]`, `["a",]`, `["a"`, `["a"]]`,
		`["a"] x`, `[,"a"]`, `["a" "b"]`, `["a",01]`, `["a\q"]`, "[\"a\x00\"]", `["a",{"k"}]`, `["a",tru]`,
	} {
		if name, args, err := SplitEvent(json.RawMessage(in)); !errors.Is(err, ErrInvalidPacket) {
			t.Errorf("SplitEvent(%q) = %q, %q, %v; want ErrInvalidPacket", in, name, args, err)
		}
	}
}

func TestSplitArray(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`[]`, nil},
		{` [ ] `, nil},
		{`[1]`, []string{"1"}},
		{`[1,"2",{"3":[false]}]`, []string{"1", `"2"`, `{"3":[false]}`}},
		{`[{"_placeholder":true,"num":0}, "x"]`, []string{`{"_placeholder":true,"num":0}`, `"x"`}},
	}
	for _, tc := range tests {
		got, err := SplitArray(json.RawMessage(tc.in))
		if err != nil || !sameRaw(got, tc.want) {
			t.Errorf("SplitArray(%s) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{``, `{}`, `1`, `[`, `[1,]`, `[1] 2`} {
		if got, err := SplitArray(json.RawMessage(in)); !errors.Is(err, ErrInvalidPacket) {
			t.Errorf("SplitArray(%q) = %q, %v; want ErrInvalidPacket", in, got, err)
		}
	}
}

func TestSplitEventArgsDoNotOverlap(t *testing.T) {
	_, args, err := SplitEvent(json.RawMessage(`["a","b","c"]`))
	if err != nil {
		t.Fatal(err)
	}
	args[0] = append(args[0], 'X') // must not write over the next element
	if string(args[1]) != `"c"` {
		t.Fatalf("append to one arg changed the next: %q", args[1])
	}
}

func TestSplitEventAllocs(t *testing.T) {
	data := json.RawMessage(`["echo",{"id":1,"text":"hello world"},2]`)
	n := testing.AllocsPerRun(100, func() {
		if _, _, err := SplitEvent(data); err != nil {
			t.Fatal(err)
		}
	})
	if n > 2 {
		t.Errorf("SplitEvent: %v allocs, want at most 2", n)
	}
}
