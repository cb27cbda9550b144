package trace

import "github.com/rs/zerolog"

// redacted replaces an auth payload unless Options.LogAuth is set.
const redacted = "[redacted]"

// Connect traces a socket's connection to a namespace. auth is the raw JSON
// of the CONNECT packet's auth payload and prints as "[redacted]" unless
// Options.LogAuth is set; remote is the client's address. A non-nil err
// means the connection was refused and is traced as a warning.
func (t *Tracer) Connect(socketID, engineID, namespace string, auth []byte, remote string, err error) {
	if t == nil {
		return
	}
	level, msg := zerolog.InfoLevel, "connect"
	if err != nil {
		level, msg = zerolog.WarnLevel, "connect refused"
	}
	e := t.event(level)
	optStr(e, "sid", socketID)
	optStr(e, "eio", engineID)
	e.Str("nsp", namespace)
	switch {
	case len(auth) == 0:
	case t.logAuth:
		t.raw(e, "auth", auth)
	default:
		e.Str("auth", redacted)
	}
	optStr(e, "remote", remote)
	optErr(e, err)
	e.Msg(msg)
}

// Disconnect traces a socket leaving a namespace and why, such as
// "client namespace disconnect" or "transport close".
func (t *Tracer) Disconnect(socketID, namespace, reason string) {
	if t == nil {
		return
	}
	e := t.event(zerolog.InfoLevel)
	optStr(e, "sid", socketID)
	e.Str("nsp", namespace)
	optStr(e, "reason", reason)
	e.Msg("disconnect")
}

// Engine traces an Engine.IO session event below the namespaces, such as
// "open polling", "upgrade websocket" or "close ping timeout".
func (t *Tracer) Engine(engineID, what string) {
	if t == nil {
		return
	}
	e := t.event(zerolog.DebugLevel)
	optStr(e, "eio", engineID)
	e.Str("what", what).Msg("engine")
}
