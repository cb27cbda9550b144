package middleware

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/nsrt"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

// ErrRateLimited is matched (with errors.Is) by the error RateLimit
// returns for an event over the limit. It is errors.ErrRateLimited.
var ErrRateLimited = errors.ErrRateLimited

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
// kept in the socket's private storage, not its session, and freed with
// it). Connects are not counted. An event over the limit is not handled and fails with an error
// matching ErrRateLimited that clients see as a client error
// "rate limit exceeded". perSecond must be positive; burst below 1 counts
// as 1.
func RateLimit(perSecond float64, burst int) router.Middleware {
	if perSecond <= 0 {
		panic("socketeer/middleware: RateLimit needs a positive rate")
	}
	burst = max(burst, 1)
	key := limiterKey(limiters.Add(1))
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

// limiterKey names the bucket of one RateLimit middleware in a socket's
// private storage.
type limiterKey uint64

// bucketOf returns the socket's bucket, making it on first use. It lives
// in the socket's private storage, apart from the user's session (which
// FetchSockets reports), and goes with the socket.
func bucketOf(s *namespace.Socket, key limiterKey, rate float64, burst int) *bucket {
	return (*nsrt.Socket)(s).Private(key, func() any {
		return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: time.Now()}
	}).(*bucket)
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
