package dispatch

import (
	"testing"

	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/router"
)

// TestRecoverable: state is kept for the reasons socket.io's
// RECOVERABLE_DISCONNECT_REASONS lists, and no other.
func TestRecoverable(t *testing.T) {
	for reason, want := range map[string]bool{
		engine.ReasonTransportClose:   true,
		engine.ReasonTransportError:   true,
		engine.ReasonPingTimeout:      true,
		engine.ReasonForcedClose:      true,
		engine.ReasonForcedServerSide: true,
		engine.ReasonServerShutdown:   true,
		engine.ReasonParseError:       false,
		engine.ReasonSlowConsumer:     false,
		router.ReasonClientDisconnect: false,
		router.ReasonServerDisconnect: false,
		"connect timeout":             false,
	} {
		if got := recoverable(reason); got != want {
			t.Errorf("recoverable(%q) = %v, want %v", reason, got, want)
		}
	}
}
