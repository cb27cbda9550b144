package client

import (
	"math"
	"math/rand/v2"
	"time"
)

// backoff computes reconnection delays as socket.io-client does: the base
// delay doubles with each attempt; with jitter j, a random r in [0,1)
// moves it by r*j*delay, down or up depending on r; the result is capped.
type backoff struct {
	min, max time.Duration
	jitter   float64
	rand     func() float64
}

// delay returns the delay before attempt n (1 for the first).
func (b backoff) delay(n int) time.Duration {
	d := float64(b.min) * math.Pow(2, float64(min(n-1, 62)))
	if b.jitter > 0 {
		r := b.rand()
		dev := math.Floor(r * b.jitter * d)
		if int(math.Floor(r*10))&1 == 0 {
			d -= dev
		} else {
			d += dev
		}
	}
	if d > float64(b.max) || d < 0 {
		return b.max
	}
	return time.Duration(d)
}

// newBackoff returns the backoff of o, whose defaults are set.
func newBackoff(o Options) backoff {
	return backoff{min: o.ReconnectDelay, max: o.ReconnectDelayMax, jitter: o.RandomizationFactor, rand: rand.Float64}
}
