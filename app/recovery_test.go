package app_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/app"
)

// TestRecoveryNeedsMemoryAdapter: with an adapter other than the
// in-memory one, a namespace says recovery is off and serves without it.
func TestRecoveryNeedsMemoryAdapter(t *testing.T) {
	var mu sync.Mutex
	var logs []string
	other := func(l adapter.Local) (adapter.Adapter, error) {
		return struct{ adapter.Adapter }{adapter.NewMemory(l)}, nil
	}
	a := app.New(app.Options{Recovery: &app.Recovery{}, Adapter: other, Logf: func(f string, args ...any) {
		mu.Lock()
		logs = append(logs, fmt.Sprintf(f, args...))
		mu.Unlock()
	}})
	if err := a.Register(newGate(), "/gate"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logs) != 1 || !strings.Contains(logs[0], "/gate: connection state recovery is off: adapter") {
		t.Errorf("log sink got %q, want one line saying recovery is off for /gate", logs)
	}
}
