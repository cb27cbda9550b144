package hardening

import (
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/socketeer/socketeer/app"
)

// TestSlowloris: hundreds of half-sent requests do not delay a new
// client's handshake, and the server built by app.NewHTTPServer drops
// them after its ReadHeaderTimeout.
func TestSlowloris(t *testing.T) {
	const n = 300
	if got := app.NewHTTPServer("", nil).ReadHeaderTimeout; got != 10*time.Second {
		t.Errorf("app.NewHTTPServer ReadHeaderTimeout = %s, want 10s", got)
	}
	a := app.New(app.Options{})
	if err := a.Register(newHub()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(a)
	srv.Config = app.NewHTTPServer("", a)
	srv.Config.ReadHeaderTimeout = time.Second // the default 10s, shortened for the test
	srv.Start()
	s := &server{t: t, app: a, hub: newHub(), srv: srv, url: srv.URL}
	t.Cleanup(s.close)

	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := net.Dial("tcp", s.addr())
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		fmt.Fprintf(c, "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: %s\r\nX-Slow: ", s.addr())
		conns = append(conns, c)
	}
	start := time.Now()
	hc := httpClient(t)
	s.pollingSID(t, hc)
	polling := time.Since(start)
	start = time.Now()
	c := s.dialWS(t, "")
	c.close()
	ws := time.Since(start)
	t.Logf("with %d half-sent requests: polling handshake %s, websocket handshake + connect %s", n, polling, ws)
	if polling > time.Second || ws > time.Second {
		t.Errorf("handshakes delayed: polling %s, websocket %s", polling, ws)
	}
	start = time.Now()
	dropped := 0
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadAll(c); err == nil {
			dropped++ // EOF: the server closed it (after a 408 or nothing)
		}
	}
	t.Logf("%d of %d half-sent requests dropped by the server within %s", dropped, n, time.Since(start).Round(time.Millisecond))
	if dropped != n {
		t.Errorf("%d of %d half-sent requests still open", n-dropped, n)
	}
}
