package trace_test

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/socketeer/socketeer/debug"
	"github.com/socketeer/socketeer/internal/trace"
)

// syncBuffer is a bytes.Buffer that a test may read while a tracer's
// timer goroutine writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// jsonTracer returns a tracer in JSON mode writing to a buffer, with o's
// other settings.
func jsonTracer(o debug.Options) (*trace.Tracer, *syncBuffer) {
	var buf syncBuffer
	o.Output, o.JSON = &buf, true
	return trace.New(o), &buf
}

// lines decodes every line written to buf, checks its timestamp and
// returns its fields without the timestamp, raw.
func lines(t *testing.T, buf *syncBuffer) []map[string]json.RawMessage {
	t.Helper()
	var out []map[string]json.RawMessage
	for line := range bytes.Lines([]byte(buf.String())) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("line %q is not a JSON object: %v", line, err)
		}
		var ts string
		if err := json.Unmarshal(m["time"], &ts); err != nil {
			t.Fatalf("line %q has no string time: %v", line, err)
		}
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
			t.Fatalf("time %q: %v", ts, err)
		}
		delete(m, "time")
		out = append(out, m)
	}
	return out
}

// only returns the single line written to buf.
func only(t *testing.T, buf *syncBuffer) map[string]json.RawMessage {
	t.Helper()
	ls := lines(t, buf)
	if len(ls) != 1 {
		t.Fatalf("got %d lines, want 1:\n%s", len(ls), buf.String())
	}
	return ls[0]
}

// fields is the expected JSON of each field of a line.
type fields map[string]string

// check compares a line's fields with want, exactly.
func check(t *testing.T, got map[string]json.RawMessage, want fields) {
	t.Helper()
	for k, v := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("field %s missing, want %s", k, v)
		} else if string(g) != v {
			t.Errorf("field %s = %s, want %s", k, g, v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected field %s = %s", k, v)
		}
	}
}
