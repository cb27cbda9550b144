package errors

// ClientError is an error meant for the client. Returned from a connect
// handler it refuses the connection with a CONNECT_ERROR packet; returned
// from an event handler it becomes the error in the ack. Its Message and
// Data are shown to the client as they are, so put nothing secret in them.
// In JSON it is {"message": Message, "data": Data}, without data when it is
// nil: the payload of a CONNECT_ERROR.
type ClientError struct {
	// Message is the human-readable reason, shown to the client.
	Message string `json:"message"`
	// Data is optional extra detail; it must be encodable as JSON.
	Data any `json:"data,omitempty"`
}

// Client returns a *ClientError with message and data; data may be nil.
func Client(message string, data any) *ClientError {
	return &ClientError{Message: message, Data: data}
}

// Error returns the message.
func (e *ClientError) Error() string { return e.Message }
