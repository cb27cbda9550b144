package client_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/client"
	"github.com/socketeer/socketeer/errors"
)

// bot handles the test server's events with methods, as a namespace
// struct does on the server.
type bot struct {
	questions chan int
	connected chan string
	errs      chan error
}

type tick struct {
	N int `json:"n" validate:"min=0,max=1000"`
}

func (b *bot) OnConnect(s *client.Socket) { b.connected <- s.ID() }

func (b *bot) OnQuestion(s *client.Socket, n int, bin []byte) (string, []byte, error) {
	b.questions <- n
	return "answer", append(bin, 4), nil
}

func (b *bot) OnMessageBack(s *client.Socket, t tick) {}

// EventNames maps the methods whose events are not Go identifiers.
func (b *bot) EventNames() map[string]string {
	return map[string]string{"OnMessageBack": "message-back"}
}

func (b *bot) OnError(s *client.Socket, event string, err error) { b.errs <- err }

func TestRegister(t *testing.T) {
	ts := newTestServer(t)
	m := manager(t, ts.URL, client.Options{Transports: []client.Transport{client.WebSocket}})
	s := m.Socket("/", client.SocketOptions{})
	b := &bot{questions: make(chan int, 1), connected: make(chan string, 1), errs: make(chan error, 2)}
	if err := s.Register(b); err != nil {
		t.Fatal(err)
	}
	if err := s.Connect(timeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if id := recv(t, b.connected, "OnConnect"); id != s.ID() {
		t.Errorf("OnConnect saw socket %q, want %q", id, s.ID())
	}
	s.Emit("ask")
	if n := recv(t, b.questions, "OnQuestion"); n != 41 {
		t.Errorf("OnQuestion got %d", n)
	}
	rep := recv(t, ts.replies, "the ack")
	var word string
	var bin []byte
	if err := rep.Decode(&word, &bin); err != nil || word != "answer" || !bytes.Equal(bin, []byte{1, 2, 3, 4}) {
		t.Errorf("ack %v %q %v", err, word, bin)
	}
	// message-back echoes the args: a tick out of range fails validation.
	s.Emit("message", map[string]int{"n": 5000})
	if _, ok := errors.AsType[*errors.ValidationError](recv(t, b.errs, "the validation error")); !ok {
		t.Error("an invalid arg is not reported as *errors.ValidationError")
	}
	// Two args for a handler of one: the server's arity rule.
	s.Emit("message", map[string]int{"n": 1}, 2)
	if !errors.Is(recv(t, b.errs, "the decode error"), errors.ErrArgs) {
		t.Error("extra args are not reported as errors.ErrArgs")
	}
}

type badSocket struct{}

func (*badSocket) OnPing(s string) {}

type badCallback struct{}

func (*badCallback) OnDisconnect(s *client.Socket) {}

type badReserved struct{}

func (*badReserved) OnConnectError(s *client.Socket, err error) {}
func (*badReserved) OnDisconnecting(s *client.Socket)           {}
func (*badReserved) OnChan(s *client.Socket, c chan int)        {}

type byValue struct{}

func (*byValue) OnPing(s *client.Socket) {}

// TestRegisterErrors checks that Register reports the problems of every
// method at once, with the server's words.
func TestRegisterErrors(t *testing.T) {
	m := manager(t, "http://127.0.0.1:1", client.Options{})
	s := m.Socket("/", client.SocketOptions{})
	tests := []struct {
		v    any
		want []string
	}{
		{&badSocket{}, []string{"badSocket.OnPing has signature func(string)", "must be *client.Socket", "allowed: func([ctx context.Context,] s *client.Socket, args...)"}},
		{&badCallback{}, []string{"badCallback.OnDisconnect has signature func(*client.Socket)", "func(s *client.Socket, reason string)"}},
		{&badReserved{}, []string{`badReserved.OnDisconnecting handles "disconnecting"`, "badReserved.OnChan", "chan values cannot be decoded"}},
		{byValue{}, []string{"pass a pointer: Register(&byValue{})"}},
		{nil, []string{"nil"}},
	}
	for _, tt := range tests {
		err := s.Register(tt.v)
		if !errors.Is(err, errors.ErrRegistration) {
			t.Errorf("Register(%T) = %v, want ErrRegistration", tt.v, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Register(%T) = %q, does not say %q", tt.v, err, w)
			}
		}
	}
}
