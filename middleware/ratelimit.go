package middleware

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

// ErrRateLimited is matched (with errors.Is) by the error RateLimit
// returns for an event over the limit.
var ErrRateLimited = errors.New("socketeer/middleware: rate limit exceeded")

// limitError refuses one event: ErrRateLimited for Go code, a client error
// for the wire.
type limitError struct{ client *errors.ClientError }

func (e *limitError) Error() string   { return ErrRateLimited.Error() }
func (e *limitError) Unwrap() []error { return []error{ErrRateLimited, e.client} }

// limiters numbers RateLimit middlewares, so that each keeps its own
// bucket on a socket.
var limiters atomic.Uint64

// RateLimit returns middleware that lets each socket send perSecond events
// a second on average and up to burst at once (a token bucket per socket,
// kept in the socket's storage and freed with it). Connects are not
// counted. An event over the limit is not handled and fails with an error
// matching ErrRateLimited that clients see as a client error
// "rate limit exceeded". perSecond must be positive; burst below 1 counts
// as 1.
func RateLimit(perSecond float64, burst int) router.Middleware {
	if perSecond <= 0 {
		panic("socketeer/middleware: RateLimit needs a positive rate")
	}
	burst = max(burst, 1)
	key := "socketeer/middleware.RateLimit#" + strconv.FormatUint(limiters.Add(1), 10)
	return func(next router.Handler) router.Handler {
		return func(ctx context.Context, s *namespace.Socket, ev *router.Event) (router.Result, error) {
			if ev.Name == "connect" {
				return next(ctx, s, ev)
			}
			if !bucketOf(s, key, perSecond, burst).take(time.Now()) {
				return router.Result{}, &limitError{client: errors.Client("rate limit exceeded", nil)}
			}
			return next(ctx, s, ev)
		}
	}
}

// bucketOf returns the socket's bucket, making it on first use. Events of
// one socket are handled one at a time, but Set and Get are safe anyway.
func bucketOf(s *namespace.Socket, key string, rate float64, burst int) *bucket {
	if v, ok := s.Get(key); ok {
		return v.(*bucket)
	}
	b := &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: time.Now()}
	s.Set(key, b)
	return b
}

// bucket is a token bucket.
type bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64 // capacity
	tokens float64
	last   time.Time
}

// take removes a token if there is one.
func (b *bucket) take(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
