package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/crypto/bcrypt"

	"github.com/socketeer/socketeer/internal/testenv"
	"github.com/socketeer/socketeer/templates"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// chatServer runs the chat on a fixed address and can restart it there,
// as a deploy would.
type chatServer struct {
	t    *testing.T
	addr string

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan error
}

// startChat starts the chat on a free port of 127.0.0.1.
func startChat(t *testing.T) *chatServer {
	t.Helper()
	c := &chatServer{t: t, addr: "127.0.0.1:0"}
	if err := c.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.stop(); err != nil {
			t.Errorf("stopping the chat: %v", err)
		}
	})
	return c
}

func (c *chatServer) url() string { return "http://" + c.addr }

func (c *chatServer) start() error {
	var ln net.Listener
	var err error
	for range 50 { // the old server's port may take a moment to free
		if ln, err = net.Listen("tcp", c.addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		return err
	}
	c.addr = ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, c.t.Logf) }()
	c.mu.Lock()
	c.cancel, c.done = cancel, done
	c.mu.Unlock()
	return nil
}

func (c *chatServer) stop() error {
	c.mu.Lock()
	cancel, done := c.cancel, c.done
	c.cancel, c.done = nil, nil
	c.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	return <-done
}

// restart stops the chat and starts a new one on the same port.
func (c *chatServer) restart() error {
	if err := c.stop(); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	return c.start()
}

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(body)
}

// TestServesPageAndClient checks the routes a browser loads: the page, its
// script and the socket.io-client bundle.
func TestServesPageAndClient(t *testing.T) {
	c := startChat(t)
	defer http.DefaultClient.CloseIdleConnections()
	tests := []struct {
		path, ctype, want string
		needsClient       bool
	}{
		{"/", "text/html", `<script src="/static/vendor/socket.io.min.js">`, false},
		{"/static/chat.js", "text/javascript", `socket.emit("join"`, false},
		{"/static/vendor/socket.io.min.js", "text/javascript", "Socket.IO v4", true},
		{"/socket.io/?EIO=4&transport=polling", "text/plain", `"sid":`, false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if tt.needsClient && !templates.HasClient() {
				if testenv.Required() {
					t.Fatal("socket.io.min.js is not embedded: scripts/setup.sh did not run before the build")
				}
				t.Skip("socket.io.min.js is not embedded: run scripts/setup.sh")
			}
			code, ctype, body := get(t, c.url()+tt.path)
			if code != http.StatusOK || !strings.HasPrefix(ctype, tt.ctype) || !strings.Contains(body, tt.want) {
				t.Fatalf("GET %s: %d %q, body has %q: %v", tt.path, code, ctype, tt.want, strings.Contains(body, tt.want))
			}
			if sid, ok := handshakeSID(body); ok { // close the session: send Engine.IO "close"
				res, err := http.Post(c.url()+tt.path+"&sid="+sid, "text/plain", strings.NewReader("1"))
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
			}
		})
	}
}

// handshakeSID returns the session id of an Engine.IO open packet.
func handshakeSID(body string) (string, bool) {
	var open struct{ SID string }
	if !strings.HasPrefix(body, "0{") || json.Unmarshal([]byte(body[1:]), &open) != nil {
		return "", false
	}
	return open.SID, open.SID != ""
}

// artifactPath returns where test artifacts go: $SOCKETEER_ARTIFACTS, else
// /tmp/socketeer-artifacts.
func artifactPath(t *testing.T, name string) string {
	dir := os.Getenv("SOCKETEER_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "socketeer-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

// TestBrowser runs interop/browser/chat.spec.js: headless Chromium pages
// chat in rooms, privately, get validation errors and survive a restart
// of this server.
func TestBrowser(t *testing.T) {
	testenv.Node(t)
	chromium := testenv.Chromium(t)
	if !templates.HasClient() {
		if testenv.Required() {
			t.Fatal("socket.io.min.js is not embedded: scripts/setup.sh did not run before the build")
		}
		t.Skip("socket.io.min.js is not embedded: run scripts/setup.sh")
	}
	c := startChat(t)
	restarts := 0
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/restart" {
			http.NotFound(w, r)
			return
		}
		if err := c.restart(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		restarts++
		io.WriteString(w, "restarted on "+c.addr)
	}))
	defer control.Close()

	shot := artifactPath(t, "chat.png")
	flags, _ := json.Marshal(testenv.ChromiumArgs(""))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := testenv.RunNode(t, ctx, "browser/chat.spec.js",
		"CHAT_URL="+c.url(), "CONTROL_URL="+control.URL, "CHROMIUM="+chromium,
		"CHROMIUM_ARGS="+string(flags), "SCREENSHOT="+shot)
	t.Logf("chat.spec.js output:\n%s", out)
	if err != nil {
		t.Fatalf("chat.spec.js: %v", err)
	}
	for _, want := range []string{
		"ok - three pages connected",
		"ok - connect notice",
		"ok - two pages in the same room see each other's messages",
		"ok - a page in another room sees none of them",
		"ok - typing notice",
		"ok - private message reaches only its target",
		"ok - a too-long message shows the validation error",
		"ok - an empty message shows the validation error",
		"ok - set_nickname renames",
		"ok - the renamed page's status badge shows its new name",
		"ok - a typing notice goes as soon as the typist's message arrives",
		"ok - a page whose connection dropped gets the messages sent meanwhile",
		"ok - a renamed page keeps its new name in the badge after a recovered reconnection",
		"ok - disconnect notice",
		"ok - pages survive a server restart",
		"\ndone",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("chat.spec.js did not print %q", want)
		}
	}
	if restarts != 1 {
		t.Errorf("the server restarted %d times, want 1", restarts)
	}
	fi, err := os.Stat(shot)
	if err != nil || fi.Size() < 10_000 {
		t.Fatalf("screenshot %s missing or too small: %v", shot, err)
	}
	fmt.Printf("chat screenshot: %s\n", shot)
}

// TestAdminUI runs interop/browser/admin.spec.js: with ADMIN_USER and
// ADMIN_PASSWORD set (the latter to a bcrypt hash), Node's Admin UI at
// /admin/ logs in, lists two chat pages' sockets and rooms and disconnects
// one of them, which that page shows.
func TestAdminUI(t *testing.T) {
	testenv.Node(t)
	chromium := testenv.Chromium(t)
	if !templates.HasClient() {
		if testenv.Required() {
			t.Fatal("socket.io.min.js is not embedded: scripts/setup.sh did not run before the build")
		}
		t.Skip("socket.io.min.js is not embedded: run scripts/setup.sh")
	}
	const user, password = "admin", "chat-admin-secret"
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ADMIN_USER", user)
	t.Setenv("ADMIN_PASSWORD", string(hash))
	c := startChat(t)
	if code, _, body := get(t, c.url()+"/admin/"); code != http.StatusOK {
		if testenv.Required() {
			t.Fatalf("GET /admin/: %d %s", code, body)
		}
		t.Skipf("the Admin UI is not served: %s", body)
	}
	defer http.DefaultClient.CloseIdleConnections()

	shot := artifactPath(t, "admin-ui.png") // kept after the test; docs/admin-ui.png is one
	flags, _ := json.Marshal(testenv.ChromiumArgs(""))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := testenv.RunNode(t, ctx, "browser/admin.spec.js",
		"CHAT_URL="+c.url(), "ADMIN_USER="+user, "ADMIN_PASSWORD="+password,
		"CHROMIUM="+chromium, "CHROMIUM_ARGS="+string(flags),
		"USER_DATA_DIR="+t.TempDir(), "SCREENSHOT="+shot)
	t.Logf("admin.spec.js output:\n%s", out)
	if err != nil {
		t.Fatalf("admin.spec.js: %v", err)
	}
	for _, want := range []string{
		"ok - two chat pages connected",
		"ok - the admin UI logged in",
		"ok - the UI lists both pages' sockets",
		"ok - the UI lists their rooms",
		"ok - disconnecting bob from the UI",
		"\ndone",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("admin.spec.js did not print %q", want)
		}
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
		t.Fatalf("screenshot %s missing or too small: %v", shot, err)
	}
	fmt.Printf("admin UI screenshot: %s\n", shot)
}
