// Package middleware holds ready-made router middleware for an App.
//
// RateLimit bounds the events each socket may send with a token bucket:
//
//	a := app.New(app.Options{Middleware: []router.Middleware{
//		middleware.RateLimit(20, 40), // 20 events/s per socket, bursts of 40
//	}})
//
// An event over the limit is not handled: its error reaches the namespace's
// error handler (or the app's, or the built-in one), and a client that
// asked for an ack receives it there, as
// {"error":{"code":"client","message":"rate limit exceeded"}} with the
// built-in handler. Check for it with errors.Is(err, middleware.ErrRateLimited).
package middleware
