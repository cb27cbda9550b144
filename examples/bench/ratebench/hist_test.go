package main

import (
	"testing"
	"time"
)

func TestBucketBounds(t *testing.T) {
	for _, d := range []time.Duration{0, time.Microsecond, 63 * time.Microsecond, 64 * time.Microsecond,
		100 * time.Microsecond, time.Millisecond, 1234567 * time.Nanosecond, time.Second, time.Minute} {
		i := bucket(d)
		top := bucketTop(i)
		if top < d.Truncate(histUnit) {
			t.Errorf("%v: bucket %d tops at %v, below the value", d, i, top)
		}
		if i > 0 && bucketTop(i-1) >= d.Truncate(histUnit) {
			t.Errorf("%v: bucket %d, but the bucket before tops at %v", d, i, bucketTop(i-1))
		}
		if d >= 64*time.Microsecond && float64(top-d) > 0.035*float64(d) {
			t.Errorf("%v: bucket top %v, more than 3.5%% above", d, top)
		}
	}
}

func TestQuantiles(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.record(time.Duration(i) * 10 * time.Microsecond) // 10 µs .. 10 ms
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{{0.5, 5 * time.Millisecond}, {0.99, 9900 * time.Microsecond}, {0.999, 9990 * time.Microsecond}, {1, 10 * time.Millisecond}}
	for _, tt := range tests {
		got := h.quantile(tt.q)
		if got < tt.want || float64(got-tt.want) > 0.035*float64(tt.want) {
			t.Errorf("q%v = %v, want %v (+3.5%%)", tt.q, got, tt.want)
		}
	}
	if h.n != 1000 || h.max != 10*time.Millisecond {
		t.Errorf("n %d max %v", h.n, h.max)
	}
}
