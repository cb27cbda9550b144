package namespace

import (
	"runtime"
	"testing"
	"time"

	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/internal/recovery"
)

// benchmarkBroadcastRecovery is benchmarkBroadcast with connection state
// recovery on: each broadcast gets an offset and is kept in the log (its
// 64 MiB default cap bounds it while the benchmark runs).
func benchmarkBroadcastRecovery(b *testing.B, n int) {
	rt, err := nsrt.New("/", nsrt.Options{Recovery: &recovery.Options{}})
	if n == 1 { // the fixed cost of a broadcast, against BenchmarkBroadcast1
		rt, err = nsrt.New("/", nsrt.Options{Recovery: &recovery.Options{MaxTotalBytes: 1 << 20}})
	}
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close()
	conns := make([]*fakeConn, n)
	for i := range conns {
		conns[i] = newConn(true)
		connectConn(rt, conns[i], "room")
	}
	op := Of(rt).To("room")
	payload := map[string]any{"user": "ann", "text": "hello"}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := op.Emit("chat", payload); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if got := conns[n-1].Sent(); got < int64(b.N) {
		b.Fatalf("last socket got %d packets, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/recipient")
}

// BenchmarkBroadcast10kRecovery is BenchmarkBroadcast10k with recovery on.
func BenchmarkBroadcast10kRecovery(b *testing.B) { benchmarkBroadcastRecovery(b, 10_000) }

// BenchmarkBroadcast1kRecovery is BenchmarkBroadcast1k with recovery on.
func BenchmarkBroadcast1kRecovery(b *testing.B) { benchmarkBroadcastRecovery(b, 1_000) }

// BenchmarkBroadcast1 broadcasts to one socket: the fixed cost of a
// broadcast, without recovery.
func BenchmarkBroadcast1(b *testing.B) { benchmarkBroadcast(b, 1) }

// BenchmarkBroadcast1Recovery is BenchmarkBroadcast1 with recovery on: the
// offset, the log entry and the lock a broadcast takes.
func BenchmarkBroadcast1Recovery(b *testing.B) { benchmarkBroadcastRecovery(b, 1) }

// TestRecoveryMemoryPerSocket measures the heap of 5,000 connected sockets
// with recovery off and on: on, each socket holds a private session id.
func TestRecoveryMemoryPerSocket(t *testing.T) {
	if testing.Short() {
		t.Skip("memory measurement")
	}
	const n = 5000
	measure := func(o nsrt.Options) float64 {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rt, err := nsrt.New("/", o)
		if err != nil {
			t.Fatal(err)
		}
		conns := make([]*fakeConn, n)
		for i := range conns {
			conns[i] = newConn(true)
			connectConn(rt, conns[i], "room")
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(conns)
		rt.Close()
		return float64(after.HeapAlloc-before.HeapAlloc) / n
	}
	off := measure(nsrt.Options{})
	on := measure(nsrt.Options{Recovery: &recovery.Options{Window: time.Minute}})
	t.Logf("heap per connected socket (fake connection included): %.0f B off, %.0f B on (%+.0f B)", off, on, on-off)
	if on-off > 256 {
		t.Errorf("recovery adds %.0f B per socket, want at most 256", on-off)
	}
}
