package clustertest

import (
	"encoding/base64"
	"reflect"
	"testing"
	"time"
)

// Bin returns the binary arg the mixed tests send and expect, the bytes
// 9, 8, 0 as the scripts write a Buffer in JSON: {"$bin": base64}.
func Bin() map[string]any {
	return map[string]any{"$bin": base64.StdEncoding.EncodeToString([]byte{9, 8, 0})}
}

// CheckBroadcast runs one case of a table of broadcasts across a cluster
// as a subtest of t: emit sends the event (a name of the case's own), the
// clients in want (sorted) must get it and no other, once each; the wait
// lets 300ms pass for any extra delivery. An event received with two args
// must carry Bin() second.
func (c *Clients) CheckBroadcast(t *testing.T, name, event string, want []int, emit func(t *testing.T, event string)) {
	defer func(parent *testing.T) { c.T = parent }(c.T)
	t.Run(name, func(t *testing.T) {
		c.T = t
		start := time.Now()
		emit(t, event)
		got := c.Receivers(event, len(want))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("receivers %v, want %v", got, want)
		}
		t.Logf("delivered to %v within %v (incl. the 300ms settle wait)", got, time.Since(start))
		bin := Bin()
		for _, i := range got {
			if args := c.Args(i, event); len(args) == 2 && !reflect.DeepEqual(args[1], bin) {
				t.Errorf("client %d got binary arg %v, want %v", i, args[1], bin)
			}
		}
	})
}
