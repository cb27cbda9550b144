package main

import (
	"math"
	"math/bits"
	"time"
)

// histogram counts latencies in buckets whose width is 1/64 of their
// power of two (about 1.6% relative error), from 1 µs to over an hour,
// in the way of HdrHistogram. One goroutine records into its own
// histogram; merge sums them.
type histogram struct {
	counts [64 * 64]uint32
	n      uint64
	sum    time.Duration
	max    time.Duration
}

const histUnit = time.Microsecond

// bucket returns the bucket of d: the first 64 hold 0–63 µs exactly,
// then each power of two of microseconds spans 32 buckets.
func bucket(d time.Duration) int {
	v := uint64(max(d, 0) / histUnit)
	if v < 64 {
		return int(v)
	}
	exp := bits.Len64(v) - 6 // v >> exp is in [32, 63]
	i := 64 + (exp-1)*32 + int(v>>exp) - 32
	return min(i, len(histogram{}.counts)-1)
}

// bucketTop returns the largest latency bucket i holds.
func bucketTop(i int) time.Duration {
	if i < 64 {
		return time.Duration(i) * histUnit
	}
	exp := (i-64)/32 + 1
	lo := uint64((i-64)%32+32) << exp
	return time.Duration(lo+(1<<exp)-1) * histUnit
}

func (h *histogram) record(d time.Duration) {
	h.counts[bucket(d)]++
	h.n++
	h.sum += d
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// quantile returns the latency at or below which a fraction q of the
// recorded ones lie (the top of its bucket, at most the maximum).
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	var seen uint64
	for i, c := range h.counts {
		seen += uint64(c)
		if seen >= max(rank, 1) {
			return min(bucketTop(i), h.max)
		}
	}
	return h.max
}

func (h *histogram) mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}
