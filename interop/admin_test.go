package interop_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/socketeer/socketeer/admin"
	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/internal/testenv"
	"github.com/socketeer/socketeer/metrics"
	"github.com/socketeer/socketeer/namespace"
)

// Rooms is the namespace the admin test's user connects to.
type Rooms struct{ namespace.Namespace }

// OnJoin joins the room named.
func (r *Rooms) OnJoin(s *namespace.Socket, room string) { s.Join(room) }

// TestAdminProtocol drives the admin namespace with socket.io-client as the
// Admin UI does, then scrapes /metrics for what the session counted.
func TestAdminProtocol(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := admin.Basic("admin", string(hash))
	if err != nil {
		t.Fatal(err)
	}
	adm, err := admin.New(admin.Options{Auth: auth, Mode: admin.Development, StatsInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, metrics.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(app.Options{Admin: adm, Metrics: m})
	if err := a.Register(&Rooms{}, "/"); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", a)
	mux.Handle("/metrics", m.Handler())
	ts := httptest.NewServer(mux)
	defer ts.Close()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.Shutdown(ctx)
		ts.CloseClientConnections()
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := testenv.RunNode(t, ctx, "js/admin_protocol.js", "SERVER_URL="+ts.URL)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	l := parse(t, out)
	l.expect("refused", `"invalid credentials"`)
	l.expect("session", `true`)
	l.expect("features", `["EMIT","JOIN","LEAVE","DISCONNECT","MJOIN","MLEAVE","MDISCONNECT","AGGREGATED_EVENTS","ALL_EVENTS"]`)
	l.expect("all_sockets", `true`)
	l.expect("stats_fields", `["aggregatedEvents","clientsCount","hostname","namespaces","pid","pollingClientsCount","serverId","uptime"]`)
	l.expect("stats_namespaces", `["/","/admin"]`)
	l.expect("socket_connected", `{"same":true,"transport":"websocket","hasClientId":true}`)
	l.expect("event_received", `["join","r1"]`)
	l.expect("action_emit", `[{"n":1}]`)
	l.expect("action_join_leave", `true`)
	l.expect("action_disconnect", `{"user":"io server disconnect","admin":"server namespace disconnect"}`)
	l.expect("session_reused", `true`)

	body := scrape(t, ts.URL+"/metrics")
	for _, want := range []string{
		`socketeer_events_received_total{event="join",namespace="/"} 1`,
		`socketeer_events_sent_total{event="hello",namespace="/"} 1`,
		`socketeer_handler_duration_seconds_count{event="join",namespace="/"} 1`,
		`socketeer_sockets_connected{namespace="/"} 0`,
		`socketeer_engine_sessions_opened_total`,
		`socketeer_bytes_total{direction="in"}`,
		`socketeer_engine_sessions{transport="websocket"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", body)
	}
}

// scrape returns the body of a GET of url.
func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
