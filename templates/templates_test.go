package templates

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestChatPage(t *testing.T) {
	res, body := get(t, Page("chat.html", Data{Title: "Chat <demo>", Namespace: "/", MaxLength: 500}), "/")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, content type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`<script src="/static/vendor/socket.io.min.js"></script>`,
		`<script src="/static/chat.js"></script>`,
		`<title>Chat &lt;demo&gt; · Socketeer</title>`, // escaped by html/template
		`data-max-length="500"`,
		`run <code>bash scripts/setup.sh</code>`,
		`id="send-form"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// The banner is rendered hidden when the bundle is embedded, visible
	// when it is not; the page's script checks again in the browser.
	hidden := strings.Contains(body, `id="missing" class="banner" role="alert" hidden`)
	if hidden != HasClient() {
		t.Errorf("banner hidden = %v, HasClient() = %v", hidden, HasClient())
	}
}

func TestStatic(t *testing.T) {
	tests := []struct {
		path   string
		status int
		ctype  string
		skip   bool
	}{
		{"/static/chat.js", 200, "text/javascript", false},
		{"/static/socketeer.css", 200, "text/css", false},
		{"/static/vendor/socket.io.min.js", 200, "text/javascript", !HasClient()},
		{"/static/vendor/", 404, "", false},
		{"/static/", 404, "", false},
		{"/static/nope.js", 404, "", false},
	}
	h := Static()
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if tt.skip {
				t.Skip("socket.io.min.js not embedded: run scripts/setup.sh before the build")
			}
			res, _ := get(t, h, tt.path)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			if !strings.HasPrefix(res.Header.Get("Content-Type"), tt.ctype) {
				t.Errorf("content type %q, want %s", res.Header.Get("Content-Type"), tt.ctype)
			}
		})
	}
}

func TestPageUnknownPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Page of an unknown name did not panic")
		}
	}()
	Page("nope.html", Data{})
}

func TestNames(t *testing.T) {
	if got := strings.Join(Names(), ","); !strings.Contains(got, "chat.html") {
		t.Fatalf("Names() = %s, want chat.html among them", got)
	}
}
