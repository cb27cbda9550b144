package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/socketeer/socketeer/examples/internal/run"
	"github.com/socketeer/socketeer/internal/rediswire"
	"github.com/socketeer/socketeer/internal/testenv"
	"github.com/socketeer/socketeer/templates"
)

// readmeNginx returns the nginx block of README.md, the configuration the
// README tells users to deploy.
func readmeNginx(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(b), "```nginx\n")
	if ok {
		block, _, ok = strings.Cut(block, "```")
	}
	if !ok {
		t.Fatal("README.md has no ```nginx block")
	}
	return block
}

// nginxConfig returns the main configuration of an nginx whose files all
// live in dir, with the README's block in its http block, its ports
// changed: the listen port to listen, the nodes' 8001, 8002, 8003 to
// ports. Anything else in the block is used as it is.
func nginxConfig(t *testing.T, dir, block, listen string, ports []string) string {
	t.Helper()
	replace := func(old, new string) {
		if strings.Count(block, old) != 1 {
			t.Fatalf("README's nginx block has %q %d times, want once:\n%s", old, strings.Count(block, old), block)
		}
		block = strings.Replace(block, old, new, 1)
	}
	replace("listen 8000;", "listen 127.0.0.1:"+listen+";")
	for i, p := range ports {
		replace(fmt.Sprintf("server 127.0.0.1:%d;", 8001+i), "server 127.0.0.1:"+p+";")
	}
	return fmt.Sprintf(`# written by examples/cluster's TestNginxFailover
pid %[1]s/nginx.pid;
error_log %[1]s/error.log info;
worker_processes 1;
events { worker_connections 512; }
http {
    log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr';
    access_log %[1]s/access.log upstream;
    client_body_temp_path %[1]s/client_body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;

# --- examples/cluster/README.md, ports changed ---
%[2]s}
`, dir, block)
}

// startNginx runs nginx in the foreground as a child process with conf,
// its files in dir, and waits until url answers. It stops nginx when the
// test ends.
func startNginx(t *testing.T, bin, dir, conf, url string) {
	t.Helper()
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", path, "-g", "daemon off;")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGQUIT) // graceful shutdown
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		for _, f := range []string{"error.log", "access.log"} {
			b, _ := os.ReadFile(filepath.Join(dir, f))
			t.Logf("nginx %s:\n%s", f, b)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("nginx exited: %v\n%s", err, out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx does not serve %s: %v\n%s", url, err, out.String())
		}
	}
}

// checkStickyPolling runs an Engine.IO polling session through nginx:
// each of its requests must reach the node that holds the session (any
// other answers 400 "Session ID unknown"). It returns that node's name.
func checkStickyPolling(t *testing.T, nginxURL string) string {
	t.Helper()
	do := func(method, query, body string) (string, string) {
		t.Helper()
		req, _ := http.NewRequest(method, nginxURL+"/socket.io/?EIO=4&transport=polling"+query, strings.NewReader(body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s through nginx: %d %s", method, query, res.StatusCode, b)
		}
		return string(b), res.Header.Get("X-Chat-Node")
	}
	open, node := do("GET", "", "")
	var hs struct{ SID string }
	if !strings.HasPrefix(open, "0{") || json.Unmarshal([]byte(open[1:]), &hs) != nil || node == "" {
		t.Fatalf("handshake through nginx: %q from %q", open, node)
	}
	sid := "&sid=" + hs.SID
	if got, n := do("POST", sid, "40"); got != "ok" || n != node {
		t.Fatalf("CONNECT through nginx: %q from %s, want ok from %s", got, n, node)
	}
	if got, n := do("GET", sid, ""); !strings.HasPrefix(got, "40{") || n != node {
		t.Fatalf("poll through nginx: %q from %s, want the CONNECT reply from %s", got, n, node)
	}
	for i := range 5 {
		if got, n := do("POST", sid, fmt.Sprintf(`42["typing",{"room":"r%d"}]`, i)); got != "ok" || n != node {
			t.Fatalf("request %d through nginx: %q from %s, want ok from %s", i, got, n, node)
		}
	}
	do("POST", sid, "1") // close the session
	return node
}

// TestNginxFailover deploys the cluster as the README says: three nodes
// (this command, as processes) on one Redis behind nginx running the
// README's configuration, once for each adapter. interop/browser/
// cluster.spec.js opens pages through nginx and directly on nodes in
// headless Chromium and checks that the chat crosses nodes. Then the node
// behind nginx goes: with the pub/sub adapter it is killed (SIGKILL, a
// crash) and its pages come back through nginx on another node as new
// sockets; with the streams adapter it is stopped (SIGTERM, a rolling
// restart, which saves its sockets' sessions in Redis), and its pages
// recover on another node: same socket ids, rooms and names, and the
// messages sent meanwhile, once each and in order. Then the chat goes on.
func TestNginxFailover(t *testing.T) {
	testenv.Node(t)
	chromium := testenv.Chromium(t)
	nginx := testenv.Nginx(t)
	redisAddr := testenv.RedisAddr(t)
	if !templates.HasClient() {
		if testenv.Required() {
			t.Fatal("socket.io.min.js is not embedded: scripts/setup.sh did not run before the build")
		}
		t.Skip("socket.io.min.js is not embedded: run scripts/setup.sh")
	}
	defer http.DefaultClient.CloseIdleConnections()
	bin := run.Build(t, ".")
	for _, tc := range []struct {
		adapter string
		action  string // what the spec has done to the node behind nginx: "kill" or "stop"
		want    []string
	}{
		{"pubsub", "kill", []string{
			"killed: its pages reconnected through nginx to",
		}},
		{"streams", "stop", []string{
			"stopped (SIGTERM): its pages recovered through nginx on",
			"ok - the recovered pages got the messages sent while they were away, once each, in order",
			"ok - nobody saw the recovered pages leave or join",
		}},
	} {
		t.Run(tc.adapter, func(t *testing.T) {
			failover(t, bin, chromium, nginx, redisAddr, tc.adapter, tc.action, tc.want)
		})
	}
}

// failover runs cluster.spec.js against three nodes of bin on the Redis
// adapter kind behind nginx; the spec has the control server do action to
// the node behind nginx, and must print every line of want besides the
// lines both adapters print.
func failover(t *testing.T, bin, chromium, nginx, redisAddr, kind, action string, want []string) {
	key := "socketeer-cluster-nginx-" + kind + "-" + rediswire.NewID(8)
	t.Cleanup(func() { // the streams adapter's stream is named after the key
		rdb := redis.NewClient(&redis.Options{Addr: redisAddr})
		defer rdb.Close()
		rdb.Del(context.Background(), key)
	})
	servers := map[string]*run.Server{}
	urls := map[string]string{}
	var ports []string
	for _, name := range []string{"n1", "n2", "n3"} {
		s := run.StartBinary(t, bin, name+" serving the chat", "NODE_NAME="+name, "HOST=127.0.0.1",
			"REDIS_URL=redis://"+redisAddr, "REDIS_KEY="+key, "REDIS_ADAPTER="+kind)
		servers[name], urls[name] = s, s.URL
		ports = append(ports, strings.TrimPrefix(s.URL, "http://127.0.0.1:"))
	}

	dir, err := os.MkdirTemp("", "socketeer-nginx-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755) // nginx's workers may run as another user
	listen := run.FreePort(t)
	nginxURL := "http://127.0.0.1:" + listen
	startNginx(t, nginx, dir, nginxConfig(t, dir, readmeNginx(t), listen, ports), nginxURL+"/")
	t.Logf("a polling session through nginx stayed on %s for its 8 requests", checkStickyPolling(t, nginxURL))

	var mu sync.Mutex
	var done []string
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("node")
		s := servers[name]
		if s == nil || (r.URL.Path != "/kill" && r.URL.Path != "/stop") {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/kill" {
			s.Kill()
		} else if err := s.Stop(); err != nil {
			http.Error(w, fmt.Sprintf("%s did not shut down cleanly: %v", name, err), http.StatusInternalServerError)
			return
		}
		mu.Lock()
		done = append(done, r.URL.Path[1:]+" "+name)
		mu.Unlock()
		io.WriteString(w, r.URL.Path[1:]+" "+name)
	}))
	defer control.Close()

	nodes, _ := json.Marshal(urls)
	flags, _ := json.Marshal(testenv.ChromiumArgs(""))
	shot := filepath.Join(os.TempDir(), "socketeer-artifacts", "cluster-"+kind+".png")
	if d := os.Getenv("SOCKETEER_ARTIFACTS"); d != "" {
		shot = filepath.Join(d, "cluster-"+kind+".png")
	}
	os.MkdirAll(filepath.Dir(shot), 0o755)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	out, err := testenv.RunNode(t, ctx, "browser/cluster.spec.js",
		"NGINX_URL="+nginxURL, "NODES="+string(nodes), "CONTROL_URL="+control.URL, "REDIS_ADAPTER="+kind,
		"CHROMIUM="+chromium, "CHROMIUM_ARGS="+string(flags), "SCREENSHOT="+shot)
	t.Logf("cluster.spec.js output (%v):\n%s", time.Since(start).Round(time.Millisecond), out)
	if err != nil {
		t.Fatalf("cluster.spec.js: %v", err)
	}
	for _, w := range append([]string{
		"ok - a page through nginx is served by",
		"ok - pages directly on",
		"ok - each page lists the people of every node",
		"ok - room messages cross nodes both ways",
		"ok - a typing notice crosses nodes",
		"ok - a private message reaches a page on another node",
		"ok - a rename crosses nodes",
		"ok - after the failover messages cross nodes again",
		"\ndone",
	}, want...) {
		if !strings.Contains(string(out), w) {
			t.Errorf("cluster.spec.js did not print %q", w)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(done) != 1 || !strings.HasPrefix(done[0], action+" ") {
		t.Errorf("done to the nodes: %v, want one %s", done, action)
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
		t.Errorf("screenshot %s missing or too small: %v", shot, err)
	}
}
