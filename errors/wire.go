package errors

// Wire codes: the "code" member of the error object a client receives.
const (
	codeValidation = "validation"
	codeClient     = "client"
	codeBadRequest = "bad_request"
	codeInternal   = "internal"
)

// Wire returns what a client sees in an ack for err, always a single
// "error" member holding an object with a code and a message:
//
//	*ValidationError  {"error": {"code": "validation", "message": "validation failed", "fields": [...]}}
//	*ClientError      {"error": {"code": "client", "message": Message, "data": Data}}
//	*DecodeError      {"error": {"code": "bad_request", "message": err.Error()}}
//	anything else     {"error": {"code": "internal", "message": "internal server error"}}
//
// The fields are [FieldError] values; data is left out when Data is nil. An
// error matching [ErrArgs] without a *DecodeError is a "bad_request" with
// err's text. Errors are found anywhere in err's tree, so wrapping them is
// fine. A *PanicError anywhere in the tree makes the error internal,
// whatever the panic value was.
//
// With debug true the message of an internal error is err.Error(); use it
// in development only, since internal text may hold secrets. Wire returns
// nil for a nil err.
func Wire(err error, debug bool) map[string]any {
	if err == nil {
		return nil
	}
	return map[string]any{"error": wireBody(err, debug)}
}

// wireBody returns the object under "error" for a non-nil err.
func wireBody(err error, debug bool) map[string]any {
	if _, ok := AsType[*PanicError](err); ok {
		return internal(err, debug)
	}
	if ve, ok := AsType[*ValidationError](err); ok {
		fields := ve.Fields
		if fields == nil {
			fields = []FieldError{}
		}
		return map[string]any{"code": codeValidation, "message": "validation failed", "fields": fields}
	}
	if ce, ok := AsType[*ClientError](err); ok {
		body := map[string]any{"code": codeClient, "message": ce.Message}
		if ce.Data != nil {
			body["data"] = ce.Data
		}
		return body
	}
	if de, ok := AsType[*DecodeError](err); ok {
		return map[string]any{"code": codeBadRequest, "message": de.Error()}
	}
	if Is(err, ErrArgs) {
		return map[string]any{"code": codeBadRequest, "message": err.Error()}
	}
	return internal(err, debug)
}

// internal returns the body of an internal error, hiding its text unless
// debug is true.
func internal(err error, debug bool) map[string]any {
	msg := "internal server error"
	if debug {
		msg = err.Error()
	}
	return map[string]any{"code": codeInternal, "message": msg}
}
