// Package errors is a drop-in superset of the standard library's errors
// package with the errors Socketeer returns and the errors it sends to
// clients.
//
// Import it instead of "errors", without an alias: [New], [Is], [As],
// [AsType], [Join], [Unwrap] and [ErrUnsupported] behave exactly like the
// standard library's, because they are the standard library's.
//
// # Two kinds of error
//
// Errors for Go callers are sentinels whose messages start with
// "socketeer: ", such as [ErrUnknownNamespace] or [ErrAckTimeout]. They are
// wrapped with %w where they cross a boundary, so check them with [Is]:
//
//	if errors.Is(err, errors.ErrAckTimeout) { ... }
//
// Errors meant for a client are typed: [ClientError] is a refusal or a
// failure whose message the handler chose to show, [ValidationError] lists
// the fields of a payload that failed validation, and [DecodeError] reports
// arguments that do not decode into the handler's parameters. The other
// type, [PanicError], describes a handler that panicked, for the server's
// error handlers; it is not shown to clients.
//
// # What a client sees
//
// [Wire] is the contract between a handler's error and the ack a client
// receives. Every error becomes one [WireError] object under the key
// "error" ([WireAck]), with a code from a fixed set:
//
//	code           when                        message
//	"validation"   a *ValidationError          "validation failed", plus "fields": [FieldError, ...]
//	"client"       a *ClientError              its Message, plus "data": its Data unless nil
//	"bad_request"  a *DecodeError, or ErrArgs  the error's text
//	"internal"     anything else, and panics   "internal server error", or the error's
//	                                           text when debug is on
//
// Wrapped errors are found with [As] and [Is], so a handler may return
// fmt.Errorf("saving: %w", errors.Client("quota exceeded", nil)) and the
// client still sees the client error. Nothing but a client, validation or
// argument error leaks its text unless debug is on.
//
// A *ClientError returned from a connect handler refuses the connection: the
// client receives a CONNECT_ERROR packet carrying the error's JSON encoding,
// {"message": Message, "data": Data}.
package errors
