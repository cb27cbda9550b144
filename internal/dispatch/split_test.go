package dispatch

import (
	"encoding/json"
	"reflect"
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
