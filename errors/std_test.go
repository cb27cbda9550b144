package errors_test

import (
	stderrors "errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/socketeer/socketeer/errors"
)

func TestErrUnsupportedIsTheStandardOne(t *testing.T) {
	if errors.ErrUnsupported != stderrors.ErrUnsupported {
		t.Fatal("ErrUnsupported is not the standard library's value")
	}
	wrapped := fmt.Errorf("op: %w", stderrors.ErrUnsupported)
	if !errors.Is(wrapped, errors.ErrUnsupported) {
		t.Fatal("Is does not match a wrapped standard ErrUnsupported")
	}
}

func TestStandardWrappers(t *testing.T) {
	a, b := errors.New("a"), errors.New("a")
	if a == b || a.Error() != "a" {
		t.Fatalf("New: got %v and %v, want two distinct errors with text a", a, b)
	}
	joined := errors.Join(a, nil, errors.ErrAckTimeout)
	if !errors.Is(joined, a) || !errors.Is(joined, errors.ErrAckTimeout) || errors.Is(joined, b) {
		t.Fatalf("Join/Is: wrong matches for %v", joined)
	}
	if errors.Join(nil, nil) != nil {
		t.Fatal("Join of nils is not nil")
	}
	wrapped := fmt.Errorf("outer: %w", a)
	if errors.Unwrap(wrapped) != a || errors.Unwrap(a) != nil {
		t.Fatal("Unwrap does not return the wrapped error")
	}

	_, err := os.Open("/does/not/exist")
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != "/does/not/exist" {
		t.Fatalf("As: got %v", err)
	}
	if pe2, ok := errors.AsType[*fs.PathError](fmt.Errorf("w: %w", err)); !ok || pe2 != pe {
		t.Fatalf("AsType: got %v, %v", pe2, ok)
	}
}

func TestSentinels(t *testing.T) {
	all := []error{
		errors.ErrUnknownNamespace, errors.ErrReservedEvent, errors.ErrSocketClosed,
		errors.ErrAckTimeout, errors.ErrRegistration, errors.ErrServing,
		errors.ErrArgs, errors.ErrSlowConsumer,
	}
	seen := map[string]bool{}
	for _, err := range all {
		msg := err.Error()
		if !strings.HasPrefix(msg, "socketeer: ") {
			t.Errorf("%q does not start with %q", msg, "socketeer: ")
		}
		if seen[msg] {
			t.Errorf("message %q used twice", msg)
		}
		seen[msg] = true
		for _, other := range all {
			if other != err && errors.Is(err, other) {
				t.Errorf("%v matches %v", err, other)
			}
		}
	}
	if got := errors.ErrReservedEvent.Error(); got != "socketeer: reserved event name" {
		t.Errorf("ErrReservedEvent = %q", got)
	}
}
