package dispatch

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/socketeer/socketeer/protocol"
)

var splitCases = []string{
	`["echo"]`,
	`["echo",{"user":"bench-user-0042","room":"bench","ts":1700000000123,"flags":[true,false],"text":"xx"}]`,
	` [ "a" , 1 , "two" , [1,[2,{"x":"]"}]] , {"k":"\"}"} , null , true , -1.5e3 ] `,
	"[\"tab\"\t,\n\"nl\"\r\n]",
	`["with \"escape\"", 1]`,
	`["\u00e9t\u00e9"]`,
	`["été", "ok"]`,
	`[42, "numeric name"]`,
	`[1.5]`,
	`[]`,
	`[[1],2]`,
	`[{"a":1}]`,
	`{"not":"an array"}`,
	`"string"`,
	`["x",{"_placeholder":true,"num":0}]`,
}

// TestSplitEventMatchesProtocol checks splitEvent against
// protocol.SplitEvent on valid JSON: same name, args and failure.
func TestSplitEventMatchesProtocol(t *testing.T) {
	for _, in := range splitCases {
		checkSplit(t, []byte(in))
	}
}

func FuzzSplitEvent(f *testing.F) {
	for _, in := range splitCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if json.Valid(data) {
			checkSplit(t, data)
		}
	})
}

func checkSplit(t *testing.T, data []byte) {
	t.Helper()
	name, args, err := splitEvent(data)
	wname, wargs, werr := protocol.SplitEvent(data)
	if (err == nil) != (werr == nil) || name != wname || !reflect.DeepEqual(args, wargs) {
		t.Errorf("%q: got %q %q %v, protocol.SplitEvent %q %q %v", data, name, args, err, wname, wargs, werr)
	}
}

var fastEventCases = []string{
	`2["echo",{"user":"bench-user-0042","room":"bench","ts":1700000000123,"flags":[true,false],"text":"xx"}]`,
	`27["echo",1,"two"]`,
	`2123456789012345678["x"]`,
	`21234567890123456789["x"]`, // 19 digits: the Decoder refuses it
	`2 ["spaced" , 1 ] `,
	"2\t[\n\"ws\"]\r\n",
	`2["with \"escape\"", 1]`,
	`2["été"]`,
	`2["\u0063onnect"]`, // reserved, escaped
	`2["connect"]`,
	`2["newListener",1]`,
	`2[42, "numeric name"]`,
	`2[-0]`,
	`2[]`,
	`2["x",]`,
	`2["x"]]`,
	`2["x"`,
	`2["x",{"a":}]`,
	`2/chat,["x"]`,
	`2/chat,5["x"]`,
	`2`,
	`2"x"`,
	`2{"a":1}`,
	`2 5["x"]`,
	`25-["x",{"_placeholder":true,"num":0}]`,
	`3["x"]`,
	`51-["x",{"_placeholder":true,"num":0}]`,
	`2["x",` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `]`,
}

// TestFastEventMatchesDecoder checks fastEvent against the Decoder and
// splitEvent: whatever it takes, they give the same packet, name and args.
func TestFastEventMatchesDecoder(t *testing.T) {
	took := 0
	for _, in := range fastEventCases {
		if checkFastEvent(t, []byte(in)) {
			took++
		}
	}
	if took != 7 { // the valid events of the main namespace named by a string
		t.Errorf("fastEvent took %d of the cases, want 7", took)
	}
}

func FuzzFastEvent(f *testing.F) {
	for _, in := range fastEventCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, msg []byte) { checkFastEvent(t, msg) })
}

// checkFastEvent reports whether fastEvent took msg; when it did, the
// Decoder must give the same packet and splitEvent the same name and args.
func checkFastEvent(t *testing.T, msg []byte) bool {
	t.Helper()
	buf := bytes.Clone(msg)
	p, name, args, ok := fastEvent(buf)
	if !ok {
		return false
	}
	for i := range buf {
		buf[i] ^= 0xff // nothing may alias the message
	}
	want, done, err := protocol.NewDecoder(protocol.Limits{}).DecodeText(msg)
	if err != nil || !done {
		t.Fatalf("%q: fastEvent took it, the Decoder gives done %v, %v", msg, done, err)
	}
	if !reflect.DeepEqual(&p, want) {
		t.Fatalf("%q: fastEvent gives %+v, the Decoder %+v", msg, p, *want)
	}
	wname, wargs, werr := splitEvent(want.Data)
	if werr != nil || name != wname || !reflect.DeepEqual(args, wargs) {
		t.Fatalf("%q: fastEvent gives %q %q, splitEvent %q %q %v", msg, name, args, wname, wargs, werr)
	}
	return true
}
