package client

import (
	"encoding/json"
	"testing"
)

func TestRecoveryAuth(t *testing.T) {
	tests := []struct {
		r    recovery
		auth string
		want string
	}{
		{recovery{}, `{"token":"1"}`, `{"token":"1"}`},
		{recovery{pid: "p"}, `{"token":"1"}`, `{"token":"1"}`}, // no event received yet
		{recovery{pid: "p", offset: "o\"1"}, ``, `{"pid":"p","offset":"o\"1"}`},
		{recovery{pid: "p", offset: "o"}, `{}`, `{"pid":"p","offset":"o"}`},
		{recovery{pid: "p", offset: "o"}, `{"token":"1","pid":"mine"}`, `{"pid":"p","offset":"o","token":"1","pid":"mine"}`},
	}
	for _, tt := range tests {
		got := tt.r.auth(json.RawMessage(tt.auth))
		if string(got) != tt.want {
			t.Errorf("%+v.auth(%s) = %s, want %s", tt.r, tt.auth, got, tt.want)
		}
		if len(got) > 0 && !json.Valid(got) {
			t.Errorf("%s is not JSON", got)
		}
	}
}

func TestStripOffset(t *testing.T) {
	s := &Socket{}
	raw := func(a ...string) []json.RawMessage {
		out := make([]json.RawMessage, len(a))
		for i, v := range a {
			out[i] = json.RawMessage(v)
		}
		return out
	}
	if got := s.stripOffset(raw(`1`, `"x"`), -1); len(got) != 2 {
		t.Errorf("without a pid the last string arg was stripped: %s", got)
	}
	s.recovery.pid = "p"
	if got := s.stripOffset(raw(`1`, `"off"`), -1); len(got) != 1 || s.recovery.offset != "off" {
		t.Errorf("offset not stripped: %s, %q", got, s.recovery.offset)
	}
	if got := s.stripOffset(raw(`1`, `"x"`), 3); len(got) != 2 {
		t.Errorf("an acked event lost an arg: %s", got)
	}
	if got := s.stripOffset(raw(`1`, `2`), -1); len(got) != 2 {
		t.Errorf("a non-string last arg was stripped: %s", got)
	}
}
