package client

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		name   string
		jitter float64
		r      float64
		n      int
		want   time.Duration
	}{
		{"first", 0, 0, 1, 100 * time.Millisecond},
		{"doubles", 0, 0, 3, 400 * time.Millisecond},
		{"capped", 0, 0, 10, time.Second},
		{"huge attempt", 0, 0, 1000, time.Second},
		// floor(r*10) even: down by r*jitter*delay; odd: up.
		{"jitter down", 0.5, 0.25, 1, 87500 * time.Microsecond},
		{"jitter up", 0.5, 0.15, 1, 107500 * time.Microsecond},
		{"jitter capped", 0.5, 0.15, 5, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := backoff{min: 100 * time.Millisecond, max: time.Second, jitter: tt.jitter, rand: func() float64 { return tt.r }}
			if got := b.delay(tt.n); got != tt.want {
				t.Errorf("delay(%d) = %v, want %v", tt.n, got, tt.want)
			}
		})
	}
}
