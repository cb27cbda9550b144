package dispatch

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
	"github.com/socketeer/socketeer/router"
)

type socket = namespace.Socket

// fastCall binds the common fixed handler shapes with a type assertion, so
// that dispatch calls them directly instead of through reflect.Call. It
// returns nil for other shapes.
func fastCall(fn reflect.Value) func(context.Context, *socket, *router.Event, router.Validator) (router.Result, error) {
	switch f := fn.Interface().(type) {
	case func(*socket):
		return func(_ context.Context, s *socket, ev *router.Event, _ router.Validator) (router.Result, error) {
			if err := argCount(ev, 0); err != nil {
				return router.Result{}, err
			}
			f(s)
			return router.Result{}, nil
		}
	case func(*socket) error:
		return func(_ context.Context, s *socket, ev *router.Event, _ router.Validator) (router.Result, error) {
			if err := argCount(ev, 0); err != nil {
				return router.Result{}, err
			}
			return router.Result{}, f(s)
		}
	case func(*socket, string):
		return func(_ context.Context, s *socket, ev *router.Event, _ router.Validator) (router.Result, error) {
			str, err := stringArg(ev)
			if err != nil {
				return router.Result{}, err
			}
			f(s, str)
			return router.Result{}, nil
		}
	case func(*socket, string) error:
		return func(_ context.Context, s *socket, ev *router.Event, _ router.Validator) (router.Result, error) {
			str, err := stringArg(ev)
			if err != nil {
				return router.Result{}, err
			}
			return router.Result{}, f(s, str)
		}
	case func(*socket, ...json.RawMessage):
		return func(_ context.Context, s *socket, ev *router.Event, _ router.Validator) (router.Result, error) {
			args, err := inlineArgs(ev, ev.Args)
			if err != nil {
				return router.Result{}, err
			}
			f(s, args...)
			return router.Result{}, nil
		}
	case func(*socket, ...json.RawMessage) error:
		return func(_ context.Context, s *socket, ev *router.Event, _ router.Validator) (router.Result, error) {
			args, err := inlineArgs(ev, ev.Args)
			if err != nil {
				return router.Result{}, err
			}
			return router.Result{}, f(s, args...)
		}
	case func(*socket, ...json.RawMessage) namespace.RawArgs:
		return func(_ context.Context, s *socket, ev *router.Event, _ router.Validator) (router.Result, error) {
			args, err := inlineArgs(ev, ev.Args)
			if err != nil {
				return router.Result{}, err
			}
			return router.Result{Raw: f(s, args...)}, nil
		}
	}
	return nil
}

func argCount(ev *router.Event, n int) error {
	if len(ev.Args) == n {
		return nil
	}
	return &errors.DecodeError{Event: ev.Name, Arg: -1, Err: fmt.Errorf("got %d args, the handler takes %d", len(ev.Args), n)}
}

func stringArg(ev *router.Event) (string, error) {
	if err := argCount(ev, 1); err != nil {
		return "", err
	}
	var str string
	if err := router.DecodeArg(ev.Args[0], ev.Attachments, &str); err != nil {
		return "", &errors.DecodeError{Event: ev.Name, Arg: 0, Err: err}
	}
	return str, nil
}
