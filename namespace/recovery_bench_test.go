package namespace

import (
	"testing"

	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/internal/recovery"
)

// benchmarkBroadcastRecovery is benchmarkBroadcast with connection state
// recovery on: each broadcast gets an offset and is kept in the log (its
// 64 MiB default cap bounds it while the benchmark runs).
func benchmarkBroadcastRecovery(b *testing.B, n int) {
	rt, err := nsrt.New("/", nsrt.Options{Recovery: &recovery.Options{}})
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
