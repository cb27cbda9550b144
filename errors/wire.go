package errors

// Wire codes: the "code" member of the error object a client receives.
const (
	codeValidation = "validation"
	codeClient     = "client"
	codeBadRequest = "bad_request"
	codeInternal   = "internal"
)

// WireAck is what a client receives in an ack for a failed event: one
// member "error". Its JSON shape is fixed:
//
//	{"error": {"code": "...", "data": ..., "fields": [...], "message": "..."}}
//
// with data and fields present only when set (fields always for code
// "validation").
type WireAck struct {
	Error WireError `json:"error"`
}

// WireError is the error object of a [WireAck] and the basis of a
// CONNECT_ERROR: a code from a fixed set, a message, and for some codes
// data or fields.
type WireError struct {
	// Code is "validation", "client", "bad_request" or "internal".
	Code string `json:"code"`
	// Data is a *ClientError's Data (code "client"), when not nil.
	Data any `json:"data,omitzero"`
	// Fields lists the failed fields (code "validation"); never nil then.
	Fields []FieldError `json:"fields,omitzero"`
	// Message is the human-readable text the client may show.
	Message string `json:"message"`
}

// Wire returns what a client sees in an ack for err:
//
//	*ValidationError  {"error": {"code": "validation", "fields": [...], "message": "validation failed"}}
//	*ClientError      {"error": {"code": "client", "data": Data, "message": Message}}
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
func Wire(err error, debug bool) *WireAck {
	if err == nil {
		return nil
	}
	return &WireAck{Error: wireBody(err, debug)}
}

// wireBody returns the error object for a non-nil err.
func wireBody(err error, debug bool) WireError {
	if _, ok := AsType[*PanicError](err); ok {
		return internal(err, debug)
	}
	if ve, ok := AsType[*ValidationError](err); ok {
		fields := ve.Fields
		if fields == nil {
			fields = []FieldError{}
		}
		return WireError{Code: codeValidation, Message: "validation failed", Fields: fields}
	}
	if ce, ok := AsType[*ClientError](err); ok {
		return WireError{Code: codeClient, Message: ce.Message, Data: ce.Data}
	}
	if de, ok := AsType[*DecodeError](err); ok {
		return WireError{Code: codeBadRequest, Message: de.Error()}
	}
	if Is(err, ErrArgs) {
		return WireError{Code: codeBadRequest, Message: err.Error()}
	}
	return internal(err, debug)
}

// internal returns the error object of an internal error, hiding its text
// unless debug is true.
func internal(err error, debug bool) WireError {
	msg := "internal server error"
	if debug {
		msg = err.Error()
	}
	return WireError{Code: codeInternal, Message: msg}
}
