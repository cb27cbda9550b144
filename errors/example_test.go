package errors_test

import (
	"encoding/json"
	"fmt"

	"github.com/socketeer/socketeer/errors"
)

func ExampleWire() {
	for _, err := range []error{
		errors.Client("room is full", map[string]int{"max": 10}),
		fmt.Errorf("join: %w", errors.Client("banned", nil)),
		&errors.DecodeError{Event: "join", Arg: 0, Err: errors.New("want a string")},
		errors.New("db: connection refused"),
	} {
		b, _ := json.Marshal(errors.Wire(err, false))
		fmt.Println(string(b))
	}
	// Output:
	// {"error":{"code":"client","data":{"max":10},"message":"room is full"}}
	// {"error":{"code":"client","message":"banned"}}
	// {"error":{"code":"bad_request","message":"socketeer: event \"join\" arg 0: want a string"}}
	// {"error":{"code":"internal","message":"internal server error"}}
}

func ExampleClient() {
	// A connect handler refuses a client; the client receives this JSON in
	// its connect_error event.
	err := errors.Client("not authorized", map[string]string{"reason": "token expired"})
	b, _ := json.Marshal(err)
	fmt.Println(err)
	fmt.Println(string(b))
	// Output:
	// not authorized
	// {"message":"not authorized","data":{"reason":"token expired"}}
}

func ExampleDecodeError() {
	var err error = &errors.DecodeError{Event: "move", Arg: -1, Err: errors.New("want 2 arguments, got 3")}
	fmt.Println(err)
	fmt.Println(errors.Is(err, errors.ErrArgs))
	// Output:
	// socketeer: event "move" args: want 2 arguments, got 3
	// true
}
