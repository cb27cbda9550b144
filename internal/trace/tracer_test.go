package trace_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/socketeer/socketeer/debug"
	"github.com/socketeer/socketeer/internal/trace"
)

func TestPacket(t *testing.T) {
	tests := []struct {
		name string
		p    trace.Packet
		want fields
	}{
		{"event in with ack",
			trace.Packet{Dir: trace.In, SocketID: "s1", EngineID: "e1", Namespace: "/chat", Kind: "EVENT",
				Event: "send_message", AckID: 4, Args: []byte(`[{"text":"hi"}]`)},
			fields{"level": `"debug"`, "message": `"packet"`, "dir": `"in"`, "sid": `"s1"`, "eio": `"e1"`,
				"nsp": `"/chat"`, "type": `"EVENT"`, "event": `"send_message"`, "ack": `4`, "args": `[{"text":"hi"}]`}},
		{"broadcast out",
			trace.Packet{Dir: trace.Out, Namespace: "/", Kind: "BINARY_EVENT", Event: "file", AckID: -1,
				Args: []byte(`[{"_placeholder":true,"num":0}]`), Attachments: 1, Recipients: 12},
			fields{"level": `"debug"`, "message": `"packet"`, "dir": `"out"`, "nsp": `"/"`, "type": `"BINARY_EVENT"`,
				"event": `"file"`, "args": `[{"_placeholder":true,"num":0}]`, "attachments": `1`, "recipients": `12`}},
		{"ack id zero",
			trace.Packet{Dir: trace.Out, SocketID: "s1", Namespace: "/", Kind: "ACK", AckID: 0, Args: []byte(`[]`)},
			fields{"level": `"debug"`, "message": `"packet"`, "dir": `"out"`, "sid": `"s1"`, "nsp": `"/"`,
				"type": `"ACK"`, "ack": `0`, "args": `[]`}},
		{"connect without args",
			trace.Packet{Dir: trace.In, SocketID: "s1", Namespace: "/", Kind: "CONNECT", AckID: -1},
			fields{"level": `"debug"`, "message": `"packet"`, "dir": `"in"`, "sid": `"s1"`, "nsp": `"/"`, "type": `"CONNECT"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, buf := jsonTracer(debug.Options{})
			tr.Packet(&tt.p)
			check(t, only(t, buf), tt.want)
		})
	}
}

func TestPacketArgs(t *testing.T) {
	long := `["` + strings.Repeat("a", 300) + `"]`
	tests := []struct {
		name string
		max  int
		args string
		want string // the JSON of the args field
	}{
		{"fits", 10, `["hi"]`, `["hi"]`},
		{"exactly the limit", 6, `["hi"]`, `["hi"]`},
		{"cut", 4, `["hello"]`, `"[\"he…"`},
		{"cut inside a multi-byte rune", 3, `["é"]`, `"[\"…"`},
		{"cut after a multi-byte rune", 4, `["é"]`, `"[\"é…"`},
		{"default limit", 0, long, `"` + `[\"` + strings.Repeat("a", 254) + `…"`},
		{"no limit", -1, long, long},
		{"invalid JSON", 0, `[1,`, `"[1,"`},
		{"multi-line JSON is compacted", 0, "[\n  1,\r\n  2\n]", `[1,2]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, buf := jsonTracer(debug.Options{MaxArgBytes: tt.max})
			tr.Packet(&trace.Packet{Namespace: "/", Kind: "EVENT", AckID: -1, Args: []byte(tt.args)})
			if got := string(only(t, buf)["args"]); got != tt.want {
				t.Errorf("args = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestHandler(t *testing.T) {
	tr, buf := jsonTracer(debug.Options{})
	tr.Handler("s1", "/chat", "send_message", "Chat.OnSendMessage", 1500*time.Microsecond, nil)
	tr.Handler("s1", "/chat", "send_message", "Chat.OnSendMessage", 2*time.Millisecond, errors.New("room: required"))
	ls := lines(t, buf)
	if len(ls) != 2 {
		t.Fatalf("got %d lines, want 2", len(ls))
	}
	base := fields{"message": `"handler"`, "sid": `"s1"`, "nsp": `"/chat"`, "event": `"send_message"`,
		"handler": `"Chat.OnSendMessage"`}
	check(t, ls[0], with(base, fields{"level": `"debug"`, "dur_us": `1500`}))
	check(t, ls[1], with(base, fields{"level": `"warn"`, "dur_us": `2000`, "error": `"room: required"`}))
}

func TestPanic(t *testing.T) {
	tr, buf := jsonTracer(debug.Options{})
	tr.Panic("s1", "/", "save", fmt.Errorf("boom"), []byte("goroutine 7 [running]:\nmain.save()\n"))
	check(t, only(t, buf), fields{"level": `"error"`, "message": `"handler panicked"`, "sid": `"s1"`, "nsp": `"/"`,
		"event": `"save"`, "panic": `"boom"`, "stack": `"goroutine 7 [running]:\nmain.save()\n"`})
}

func TestConnect(t *testing.T) {
	auth := []byte(`{"token":"s3cr3t-token"}`)
	tests := []struct {
		name string
		o    debug.Options
		auth []byte
		err  error
		want fields
	}{
		{"redacted by default", debug.Options{}, auth, nil,
			fields{"level": `"info"`, "message": `"connect"`, "auth": `"[redacted]"`}},
		{"LogAuth", debug.Options{LogAuth: true}, auth, nil,
			fields{"level": `"info"`, "message": `"connect"`, "auth": `{"token":"s3cr3t-token"}`}},
		{"LogAuth cut", debug.Options{LogAuth: true, MaxArgBytes: 9}, auth, nil,
			fields{"level": `"info"`, "message": `"connect"`, "auth": `"{\"token\":…"`}},
		{"no auth", debug.Options{}, nil, nil,
			fields{"level": `"info"`, "message": `"connect"`}},
		{"refused", debug.Options{}, auth, errors.New("not authorized"),
			fields{"level": `"warn"`, "message": `"connect refused"`, "auth": `"[redacted]"`, "error": `"not authorized"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, buf := jsonTracer(tt.o)
			tr.Connect("s1", "e1", "/admin", tt.auth, "10.0.0.1:4000", tt.err)
			check(t, only(t, buf), with(fields{"sid": `"s1"`, "eio": `"e1"`, "nsp": `"/admin"`,
				"remote": `"10.0.0.1:4000"`}, tt.want))
			if !tt.o.LogAuth && strings.Contains(buf.String(), "s3cr3t") {
				t.Error("the auth payload leaked")
			}
		})
	}
}

func TestDisconnectAndEngine(t *testing.T) {
	tr, buf := jsonTracer(debug.Options{})
	tr.Disconnect("s1", "/chat", "transport close")
	tr.Engine("e1", "upgrade websocket")
	ls := lines(t, buf)
	if len(ls) != 2 {
		t.Fatalf("got %d lines, want 2", len(ls))
	}
	check(t, ls[0], fields{"level": `"info"`, "message": `"disconnect"`, "sid": `"s1"`, "nsp": `"/chat"`,
		"reason": `"transport close"`})
	check(t, ls[1], fields{"level": `"debug"`, "message": `"engine"`, "eio": `"e1"`, "what": `"upgrade websocket"`})
}

func TestWatch(t *testing.T) {
	tr, buf := jsonTracer(debug.Options{SlowHandler: 20 * time.Millisecond})

	stop := tr.Watch("s1", "/", "fast", "Chat.OnFast")
	stop()
	time.Sleep(60 * time.Millisecond)
	if buf.String() != "" {
		t.Fatalf("a handler stopped in time was logged:\n%s", buf)
	}

	stop = tr.Watch("s1", "/", "slow", "Chat.OnSlow")
	deadline := time.Now().Add(5 * time.Second)
	for buf.String() == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	line := only(t, buf)
	var us int64
	if _, err := fmt.Sscan(string(line["dur_us"]), &us); err != nil || us < 20000 {
		t.Errorf("dur_us = %s, want at least 20000", line["dur_us"])
	}
	delete(line, "dur_us")
	check(t, line, fields{"level": `"warn"`, "message": `"blocked handler"`, "sid": `"s1"`, "nsp": `"/"`,
		"event": `"slow"`, "handler": `"Chat.OnSlow"`})
}

func TestWatchOff(t *testing.T) {
	tr, buf := jsonTracer(debug.Options{SlowHandler: -1})
	stop := tr.Watch("s1", "/", "slow", "Chat.OnSlow")
	time.Sleep(30 * time.Millisecond)
	stop()
	if buf.String() != "" {
		t.Fatalf("Watch logged with a negative SlowHandler:\n%s", buf)
	}
}

func TestNilTracer(t *testing.T) {
	var tr *trace.Tracer
	if tr.Enabled() {
		t.Error("a nil tracer is enabled")
	}
	p := trace.Packet{Dir: trace.In, SocketID: "s1", Namespace: "/", Kind: "EVENT", Event: "e", AckID: 1, Args: []byte(`[1]`)}
	err := errors.New("x")
	calls := map[string]func(){
		"Packet":     func() { tr.Packet(&p) },
		"Watch":      func() { tr.Watch("s1", "/", "e", "T.OnE")() },
		"Handler":    func() { tr.Handler("s1", "/", "e", "T.OnE", time.Second, err) },
		"Panic":      func() { tr.Panic("s1", "/", "e", err, nil) },
		"Connect":    func() { tr.Connect("s1", "e1", "/", p.Args, "addr", err) },
		"Disconnect": func() { tr.Disconnect("s1", "/", "bye") },
		"Engine":     func() { tr.Engine("e1", "open polling") },
	}
	for name, call := range calls {
		if allocs := testing.AllocsPerRun(100, call); allocs != 0 {
			t.Errorf("(*Tracer)(nil).%s allocates %v times, want 0", name, allocs)
		}
	}
}

func TestPacketEnabledDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes zerolog's event pool drop events")
	}
	tr := trace.New(debug.Options{Output: discard{}, JSON: true})
	p := trace.Packet{Dir: trace.In, SocketID: "s1", Namespace: "/", Kind: "EVENT", Event: "e", AckID: 1, Args: []byte(`["hi"]`)}
	if allocs := testing.AllocsPerRun(100, func() { tr.Packet(&p) }); allocs != 0 {
		t.Errorf("Packet in JSON mode allocates %v times, want 0", allocs)
	}
}

func TestConcurrentUse(t *testing.T) {
	var out bytes.Buffer // not safe for concurrent writes by itself
	tr := trace.New(debug.Options{Output: &out, JSON: true})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				tr.Packet(&trace.Packet{SocketID: fmt.Sprint(i), Namespace: "/", Kind: "EVENT", AckID: int64(j)})
			}
		})
	}
	wg.Wait()
	if n := bytes.Count(out.Bytes(), []byte("\n")); n != 400 {
		t.Errorf("got %d lines, want 400", n)
	}
}

func TestGlobalLevelDoesNotSilence(t *testing.T) {
	old := zerolog.GlobalLevel()
	zerolog.SetGlobalLevel(zerolog.ErrorLevel)
	t.Cleanup(func() { zerolog.SetGlobalLevel(old) })

	tr, buf := jsonTracer(debug.Options{})
	tr.Engine("e1", "open polling")
	if buf.String() == "" {
		t.Fatal("zerolog's global level silenced the tracer")
	}
}

func TestConsole(t *testing.T) {
	var buf syncBuffer
	tr := trace.New(debug.Options{Output: &buf, MaxArgBytes: 12})
	tr.Packet(&trace.Packet{Dir: trace.In, SocketID: "s1", EngineID: "e1", Namespace: "/chat", Kind: "EVENT",
		Event: "send", AckID: 4, Args: []byte(`["<hi>"]`)})
	tr.Packet(&trace.Packet{Dir: trace.Out, Namespace: "/chat", Kind: "EVENT", Event: "news", AckID: -1,
		Args: []byte(`["a long piece of news"]`), Recipients: 3})
	tr.Handler("s1", "/chat", "send", "Chat.OnSend", 1500*time.Microsecond, errors.New("no room"))
	tr.Connect("s1", "e1", "/chat", []byte(`{"token":"x"}`), "10.0.0.1:4000", nil)
	tr.Engine("e1", "open polling")
	tr.Panic("s1", "/chat", "send", "boom", []byte("goroutine 7 [running]:\nmain.send()\n"))

	const clock = `\d\d:\d\d:\d\d\.\d{3} `
	want := []string{
		clock + `DBG ← EVENT /chat sid=s1 event=send ack=4 args=\["<hi>"\] eio=e1$`,
		clock + `DBG → EVENT /chat event=news args=\["a long pie… recipients=3$`,
		clock + `WRN handler /chat sid=s1 event=send handler=Chat.OnSend dur=1.5ms error="no room"$`,
		clock + `INF connect /chat sid=s1 auth=\[redacted\] remote=10.0.0.1:4000 eio=e1$`,
		clock + `DBG engine open polling eio=e1$`,
		clock + `ERR handler panicked /chat sid=s1 event=send panic=boom$`,
		`^goroutine 7 \[running\]:$`,
		`^main.send\(\)$`,
	}
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(got), len(want), buf.String())
	}
	for i, w := range want {
		if !regexp.MustCompile(w).MatchString(got[i]) {
			t.Errorf("line %d = %q, want to match %q", i, got[i], w)
		}
	}
	if strings.Contains(buf.String(), "\x1b[") {
		t.Error("colors in output that is not a terminal")
	}
}

func TestDirectionString(t *testing.T) {
	for d, want := range map[trace.Direction]string{trace.In: "in", trace.Out: "out", 7: "Direction(7)"} {
		if got := d.String(); got != want {
			t.Errorf("Direction(%d).String() = %q, want %q", d, got, want)
		}
	}
}

// with returns the union of a and b, b winning.
func with(a, b fields) fields {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// discard is io.Discard without the io.StringWriter fast path.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
