package rediswire

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/socketeer/socketeer/adapter"
)

// Socket is a socket as Node's fetchSockets responses describe it.
type Socket struct {
	ID        string    `json:"id"`
	Handshake Handshake `json:"handshake"`
	Rooms     []string  `json:"rooms"`
	Data      any       `json:"data"`
}

// Handshake is Node's socket.handshake.
type Handshake struct {
	Headers map[string]any  `json:"headers"`
	Time    string          `json:"time"`
	Address string          `json:"address"`
	XDomain bool            `json:"xdomain"`
	Secure  bool            `json:"secure"`
	Issued  int64           `json:"issued"`
	URL     string          `json:"url"`
	Query   map[string]any  `json:"query"`
	Auth    json.RawMessage `json:"auth,omitempty"`
}

// jsDateLayout is the form of JavaScript's Date.prototype.toString, which
// Node's handshake.time holds; the zone name in parentheses follows.
const jsDateLayout = "Mon Jan 02 2006 15:04:05 GMT-0700"

// ToSocket describes si as Node does.
func ToSocket(si adapter.SocketInfo) Socket {
	h := si.Handshake
	headers := make(map[string]any, len(h.Header))
	for k, vs := range h.Header {
		k = strings.ToLower(k)
		if k == "set-cookie" {
			headers[k] = vs
		} else {
			headers[k] = strings.Join(vs, ", ")
		}
	}
	query := make(map[string]any, len(h.Query))
	for k, vs := range h.Query {
		if len(vs) == 1 {
			query[k] = vs[0]
		} else {
			query[k] = vs
		}
	}
	var data any = si.Data
	if si.Data == nil {
		data = map[string]any{}
	}
	return Socket{
		ID: si.ID,
		Handshake: Handshake{
			Headers: headers,
			Time:    h.Time.Format(jsDateLayout) + " (" + h.Time.Format("MST") + ")",
			Address: h.Address,
			XDomain: h.Header.Get("Origin") != "",
			Secure:  h.Secure,
			Issued:  h.Time.UnixMilli(),
			URL:     h.URL,
			Query:   query,
			Auth:    h.Auth,
		},
		Rooms: si.Rooms,
		Data:  data,
	}
}

// FromSocket reads a socket of a fetchSockets response.
func FromSocket(raw json.RawMessage) (adapter.SocketInfo, error) {
	var ws Socket
	if err := json.Unmarshal(raw, &ws); err != nil {
		return adapter.SocketInfo{}, err
	}
	h := ws.Handshake
	headers := make(http.Header, len(h.Headers))
	for k, v := range h.Headers {
		switch v := v.(type) {
		case string:
			headers.Add(k, v)
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					headers.Add(k, s)
				}
			}
		}
	}
	si := adapter.SocketInfo{
		ID:    ws.ID,
		Rooms: ws.Rooms,
		Handshake: adapter.Handshake{
			Header:  headers,
			Time:    parseTime(h.Issued, h.Time),
			Address: h.Address,
			URL:     h.URL,
			Query:   fromWireQuery(h.Query),
			Auth:    h.Auth,
			Secure:  h.Secure,
		},
	}
	if m, ok := ws.Data.(map[string]any); ok {
		si.Data = m
	}
	return si, nil
}

// fromWireQuery reads Node's handshake query: a string per key, or an
// array of strings for a repeated key.
func fromWireQuery(q map[string]any) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		switch v := v.(type) {
		case string:
			out.Add(k, v)
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					out.Add(k, s)
				}
			}
		}
	}
	return out
}

// parseTime reads Node's handshake time: issued (ms since the epoch) when
// present, else the Date string.
func parseTime(issued int64, s string) time.Time {
	if issued > 0 {
		return time.UnixMilli(issued)
	}
	if i := strings.Index(s, " ("); i >= 0 {
		s = s[:i]
	}
	t, err := time.Parse(jsDateLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
