package app_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"sync"
	"testing"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/debug"
)

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines decodes the JSON lines written so far.
func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("trace line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

// find returns the first line whose fields include all of want.
func find(lines []map[string]any, want map[string]any) map[string]any {
next:
	for _, l := range lines {
		for k, v := range want {
			if l[k] != v {
				continue next
			}
		}
		return l
	}
	return nil
}

func TestDebugTrace(t *testing.T) {
	var buf syncBuffer
	a := newApp(t, &lab{}, "/lab", app.Options{Debug: true, DebugOptions: debug.Options{Output: &buf, JSON: true}})
	c := apptest.Connect(t, a, "/lab", nil)
	ack(t, c, "str", "abc")
	c.Emit("panic")
	c.Disconnect()
	lines := buf.lines(t)
	sid := c.ID()
	checks := []struct {
		name string
		want map[string]any
	}{
		{"connect in", map[string]any{"message": "packet", "dir": "in", "type": "CONNECT", "nsp": "/lab"}},
		{"connect out", map[string]any{"message": "packet", "dir": "out", "type": "CONNECT", "nsp": "/lab"}},
		{"connect", map[string]any{"message": "connect", "sid": sid, "nsp": "/lab", "remote": "pipe"}},
		{"event in", map[string]any{"message": "packet", "dir": "in", "type": "EVENT", "sid": sid, "nsp": "/lab", "event": "str", "ack": 0.0}},
		{"handler", map[string]any{"message": "handler", "sid": sid, "nsp": "/lab", "event": "str", "handler": "lab.OnStr"}},
		{"ack out", map[string]any{"message": "packet", "dir": "out", "type": "ACK", "sid": sid, "nsp": "/lab", "ack": 0.0}},
		{"panic", map[string]any{"message": "handler panicked", "sid": sid, "event": "panic", "panic": "boom"}},
		{"failed handler", map[string]any{"message": "handler", "event": "panic", "handler": "lab.OnPanic"}},
		{"disconnect in", map[string]any{"message": "packet", "dir": "in", "type": "DISCONNECT", "sid": sid}},
		{"disconnect", map[string]any{"message": "disconnect", "sid": sid, "reason": "client namespace disconnect"}},
	}
	for _, ck := range checks {
		l := find(lines, ck.want)
		if l == nil {
			t.Errorf("no %s line with %v", ck.name, ck.want)
			continue
		}
		switch ck.name {
		case "handler":
			if _, ok := l["dur_us"].(float64); !ok {
				t.Errorf("handler line without dur_us: %v", l)
			}
		case "ack out":
			if l["args"] == nil {
				t.Errorf("ack line without args: %v", l)
			}
		case "panic":
			if s, _ := l["stack"].(string); s == "" {
				t.Errorf("panic line without stack: %v", l)
			}
		}
	}
	if t.Failed() {
		for _, l := range lines {
			t.Log(l)
		}
	}
}
