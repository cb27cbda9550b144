package hardening

import (
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/engine"
)

// message is one Engine.IO message a malformed case sends.
type message struct {
	data   []byte
	binary bool
}

func text(s string) message { return message{data: []byte(s)} }
func bin(b []byte) message  { return message{data: b, binary: true} }

// randomBytes returns n fixed pseudo-random bytes.
func randomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// malformedCases are sent after the client joined "/". want is the
// outcome: the disconnect reason the server reports; "CONNECT_ERROR" for
// that answer, after which the session stays open; "open" when the input
// is valid for the reference implementation and the socket goes on (an
// echo with an ack still works).
var malformedCases = []struct {
	name string
	msgs []message
	want string
}{
	{"random bytes as text", []message{text("4" + string(randomBytes(512)))}, engine.ReasonParseError},
	{"random bytes as binary", []message{bin(randomBytes(512))}, engine.ReasonParseError},
	{"unknown engine.io type", []message{text("9hello")}, engine.ReasonParseError},
	{"unknown socket.io type", []message{text(`47["x"]`)}, engine.ReasonParseError},
	{"unterminated JSON", []message{text(`42["ev",{"a":`)}, engine.ReasonParseError},
	{"event name an object", []message{text(`42[{"a":1},2]`)}, engine.ReasonParseError},
	{"event name reserved", []message{text(`42["disconnect"]`)}, engine.ReasonParseError},
	{"event name a number (valid in Node)", []message{text(`42[1,2]`)}, "open"},
	{"absurd attachment count", []message{text(`4599999999-["ev",{"_placeholder":true,"num":0}]`)}, engine.ReasonParseError},
	{"placeholder past the attachments", []message{
		text(`451-["echo",{"_placeholder":true,"num":7}]`), bin([]byte{1, 2, 3})}, engine.ReasonParseError},
	{"invalid UTF-8 in a text frame", []message{text("42[\"echo\",\"\xff\xfe\"]")}, engine.ReasonParseError},
	{"100 KB namespace name", []message{text("40/" + strings.Repeat("n", 100<<10) + ",")}, engine.ReasonParseError},
	{"event for a namespace not joined", []message{text(`42/admin,["echo"]`)}, engine.ReasonParseError},
	{"unknown namespace", []message{text("40/nowhere,")}, "CONNECT_ERROR"},
}

// TestMalformedWebsocket sends each malformed case over a websocket.
func TestMalformedWebsocket(t *testing.T) {
	s := newServer(t, app.Options{})
	for _, tt := range malformedCases {
		t.Run(tt.name, func(t *testing.T) {
			c := s.dialWS(t, "")
			defer c.close()
			for _, m := range tt.msgs {
				mt := websocket.TextMessage
				if m.binary {
					mt = websocket.BinaryMessage
				}
				c.c.WriteMessage(mt, m.data)
			}
			c.c.WriteMessage(websocket.TextMessage, []byte(`4299["echo","probe"]`))
			got := ""
			for got == "" {
				msg, err := c.next(5 * time.Second)
				if err != nil {
					got = s.waitReason(t, c.sid)
					t.Logf("connection ended (%v); server reason %q", err, got)
					break
				}
				switch {
				case strings.HasPrefix(msg, "44"):
					got = "CONNECT_ERROR"
					t.Logf("answer %.80q; session stays open", msg)
				case msg == `4399["probe"]`:
					got = "open"
					t.Logf("no answer; the socket goes on")
				}
			}
			if got != tt.want {
				t.Errorf("outcome %q, want %q", got, tt.want)
			}
		})
	}
}

// waitReason waits for the disconnect reason of socket id, up to 5s or
// the timeout given.
func (s *server) waitReason(t testing.TB, id string, timeout ...time.Duration) string {
	var r string
	d := 5 * time.Second
	if len(timeout) > 0 {
		d = timeout[0]
	}
	eventually(d, func() bool { r = s.hub.reason(id); return r != "" })
	return r
}

// TestMalformedPolling sends each malformed case as a polling POST body.
func TestMalformedPolling(t *testing.T) {
	s := newServer(t, app.Options{})
	hc := httpClient(t)
	for _, tt := range malformedCases {
		t.Run(tt.name, func(t *testing.T) {
			p := s.dialPolling(t, hc)
			var body []string
			for _, m := range tt.msgs {
				if m.binary {
					body = append(body, "b"+base64.StdEncoding.EncodeToString(m.data))
				} else {
					body = append(body, string(m.data))
				}
			}
			status := p.post(strings.Join(body, "\x1e"))
			got := s.waitReason(t, p.socket, time.Second)
			if got == "" {
				p.post(`4299["echo","probe"]`)
				resp := p.get()
				switch {
				case strings.Contains(resp, "44/"):
					got = "CONNECT_ERROR"
				case strings.Contains(resp, `4399["probe"]`):
					got = "open"
				}
				t.Logf("POST %d; then GET %.80q", status, resp)
			} else {
				t.Logf("POST %d; server reason %q", status, got)
			}
			if got != tt.want {
				t.Errorf("outcome %q, want %q", got, tt.want)
			}
		})
	}
}

// pollingClient is a raw Socket.IO client over long-polling.
type pollingClient struct {
	t      testing.TB
	hc     *http.Client
	url    string
	socket string // socket id on "/"
}

// dialPolling opens a polling session and joins "/".
func (s *server) dialPolling(t testing.TB, hc *http.Client) *pollingClient {
	t.Helper()
	sid := s.pollingSID(t, hc)
	p := &pollingClient{t: t, hc: hc, url: s.url + "/socket.io/?EIO=4&transport=polling&sid=" + sid}
	if st := p.post("40"); st != 200 {
		t.Fatalf("POST 40: %d", st)
	}
	reply := p.get()
	i := strings.Index(reply, `40{"sid":"`)
	if i < 0 {
		t.Fatalf("connect reply %q", reply)
	}
	p.socket = reply[i+10 : i+10+strings.IndexByte(reply[i+10:], '"')]
	return p
}

func (p *pollingClient) post(body string) int {
	resp, err := p.hc.Post(p.url, "text/plain;charset=UTF-8", strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func (p *pollingClient) get() string {
	resp, err := p.hc.Get(p.url)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return fmt.Sprintf("%d %s", resp.StatusCode, b)
}
