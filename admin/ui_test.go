package admin_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/socketeer/socketeer/admin"
	"github.com/socketeer/socketeer/internal/testenv"
)

// uiGet fetches path from the UI mounted at /admin/.
func uiGet(t *testing.T, srv *httptest.Server, path string) (int, string, string) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

// TestUI serves the embedded UI under /admin/ and checks that its page
// loads nothing from the network.
func TestUI(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/admin/", http.StripPrefix("/admin", admin.UI()))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	code, _, body := uiGet(t, srv, "/admin/")
	if code == http.StatusNotFound && strings.Contains(body, "scripts/setup.sh") {
		if testenv.Required() {
			t.Fatal("the Admin UI is not embedded: scripts/setup.sh did not run before the build")
		}
		t.Skip("the Admin UI is not embedded: run scripts/setup.sh")
	}
	if code != http.StatusOK || !strings.Contains(body, "<title>Socket.IO Admin UI</title>") {
		t.Fatalf("GET /admin/: %d %.200q", code, body)
	}
	for _, bad := range []string{"http://", "https://", "fonts.googleapis.com", "cdn.jsdelivr.net"} {
		if strings.Contains(body, bad) {
			t.Errorf("index.html loads %s: %s", bad, body)
		}
	}
	if !strings.Contains(body, `href="mdi/css/materialdesignicons.min.css"`) {
		t.Errorf("index.html does not link the vendored icons: %s", body)
	}
	for _, tt := range []struct{ path, ctype, want string }{
		{"/admin/mdi/css/materialdesignicons.min.css", "text/css", "../fonts/materialdesignicons-webfont.woff2"},
		{"/admin/mdi/fonts/materialdesignicons-webfont.woff2", "font/woff2", "wOF2"},
		{"/admin/favicon.png", "image/png", "PNG"},
	} {
		code, ctype, body := uiGet(t, srv, tt.path)
		if code != http.StatusOK || !strings.HasPrefix(ctype, tt.ctype) || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s: %d %q, has %q: %v", tt.path, code, ctype, tt.want, strings.Contains(body, tt.want))
		}
	}
	if code, _, _ := uiGet(t, srv, "/admin/README.md"); code != http.StatusNotFound {
		t.Errorf("GET /admin/README.md: %d, want 404", code)
	}
}
