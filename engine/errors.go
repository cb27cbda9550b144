package engine

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/socketeer/socketeer/errors"
)

// Sentinel errors returned by sessions and the packet decoders. Each is,
// or wraps, a sentinel of package errors.
var (
	// ErrParse wraps every packet decoding error; it wraps
	// errors.ErrInvalidPacket.
	ErrParse = fmt.Errorf("%w (engine.io)", errors.ErrInvalidPacket)
	// ErrClosed is returned when sending on a closed session; it wraps
	// errors.ErrSocketClosed.
	ErrClosed = fmt.Errorf("%w (engine.io session)", errors.ErrSocketClosed)
	// ErrSlowConsumer is returned when a session's outgoing queue exceeded
	// Options.MaxQueuedBytes; the session is closed. It is
	// errors.ErrSlowConsumer.
	ErrSlowConsumer = errors.ErrSlowConsumer
)

// Close reasons reported to Receiver.OnClose. They match the reasons of
// the Node reference server where one exists.
const (
	ReasonTransportClose   = "transport close"
	ReasonTransportError   = "transport error"
	ReasonPingTimeout      = "ping timeout"
	ReasonParseError       = "parse error"
	ReasonForcedClose      = "forced close"
	ReasonServerShutdown   = "server shutting down"
	ReasonSlowConsumer     = "slow consumer"
	ReasonForcedServerSide = "forced server close"
)

// httpError is an Engine.IO handshake or routing error (protocol.md 1.7).
type httpError struct {
	code    int
	status  int
	message string
}

var (
	errUnknownTransport = httpError{0, http.StatusBadRequest, "Transport unknown"}
	errUnknownSID       = httpError{1, http.StatusBadRequest, "Session ID unknown"}
	errBadMethod        = httpError{2, http.StatusBadRequest, "Bad handshake method"}
	errBadRequest       = httpError{3, http.StatusBadRequest, "Bad request"}
	errForbidden        = httpError{4, http.StatusForbidden, "Forbidden"}
	errBadVersion       = httpError{5, http.StatusBadRequest, "Unsupported protocol version"}
)

// write answers the request with the error's status and JSON body.
func (e httpError) write(w http.ResponseWriter) {
	body := make([]byte, 0, 64)
	body = append(body, `{"code":`...)
	body = strconv.AppendInt(body, int64(e.code), 10)
	body = append(body, `,"message":`...)
	msg, _ := json.Marshal(e.message)
	body = append(body, msg...)
	body = append(body, '}')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.status)
	w.Write(body)
}
