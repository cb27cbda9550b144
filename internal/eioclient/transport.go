package eioclient

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// transport moves packets over one Engine.IO transport. read is only
// called by the reader goroutine and write only by the writer goroutine
// (or, before the transport is handed over, by the goroutine that opened
// it); close may be called at any time, from any goroutine.
type transport interface {
	name() string
	read(ctx context.Context) ([]Packet, error)
	write(ctx context.Context, packets []Packet) error
	close()
}

var (
	_ transport = (*pollingTransport)(nil)
	_ transport = (*wsTransport)(nil)
)

// maxPollBody bounds a polling response body.
const maxPollBody = 64 << 20

// pollingTransport is HTTP long-polling: a GET per read, a POST per write.
type pollingTransport struct {
	client *http.Client
	url    string
	header http.Header
}

func (t *pollingTransport) name() string { return Polling }

func (t *pollingTransport) close() {}

func (t *pollingTransport) read(ctx context.Context) ([]Packet, error) {
	body, err := t.do(ctx, http.MethodGet, nil)
	if err != nil {
		return nil, err
	}
	return decodePayload(body)
}

// write POSTs packets. Any 200 answer will do: Node and Socketeer send
// "ok", python-engineio "OK".
func (t *pollingTransport) write(ctx context.Context, packets []Packet) error {
	_, err := t.do(ctx, http.MethodPost, encodePayload(packets))
	return err
}

// do sends one request and returns the body of a 200 answer.
func (t *pollingTransport) do(ctx context.Context, method string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, t.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, vs := range t.header {
		req.Header[k] = vs
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxPollBody))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &HTTPError{Status: resp.StatusCode, Body: string(bytes.TrimSpace(data))}
	}
	return data, nil
}

// wsTransport is one websocket: one packet per message.
type wsTransport struct {
	conn         *websocket.Conn
	writeTimeout time.Duration
}

func (t *wsTransport) name() string { return WebSocket }

func (t *wsTransport) close() { t.conn.Close() }

func (t *wsTransport) read(context.Context) ([]Packet, error) {
	mt, data, err := t.conn.ReadMessage()
	if err != nil {
		return nil, err
	}
	if mt == websocket.BinaryMessage {
		return []Packet{{Type: Message, Data: data, Binary: true}}, nil
	}
	p, err := decodeText(data, false)
	if err != nil {
		return nil, err
	}
	return []Packet{p}, nil
}

func (t *wsTransport) write(_ context.Context, packets []Packet) error {
	var buf []byte
	for _, p := range packets {
		if t.writeTimeout > 0 {
			t.conn.SetWriteDeadline(time.Now().Add(t.writeTimeout))
		}
		var err error
		if p.Binary {
			err = t.conn.WriteMessage(websocket.BinaryMessage, p.Data)
		} else {
			buf = appendText(buf[:0], p)
			err = t.conn.WriteMessage(websocket.TextMessage, buf)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// dialWS opens a websocket to url.
func dialWS(ctx context.Context, o Options, url string) (*wsTransport, error) {
	d := websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		TLSClientConfig:  o.TLSConfig,
		HandshakeTimeout: o.HandshakeTimeout,
	}
	conn, resp, err := d.DialContext(ctx, url, o.Header)
	if err != nil {
		if resp != nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			return nil, &HTTPError{Status: resp.StatusCode, Body: string(bytes.TrimSpace(body))}
		}
		return nil, err
	}
	return &wsTransport{conn: conn}, nil
}
