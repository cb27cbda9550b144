package testenv

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ModulePath is the module path declared by the repository's go.mod. Root
// looks for the go.mod that declares it.
const ModulePath = "github.com/socketeer/socketeer"

// RequireEnv is the environment variable that turns every "tool missing"
// skip into a failure when it is set to "1".
const RequireEnv = "SOCKETEER_REQUIRE_INTEROP"

// RedisAddrEnv is the environment variable that overrides the Redis address
// returned by RedisAddr (host:port).
const RedisAddrEnv = "SOCKETEER_REDIS_ADDR"

// DefaultRedisAddr is the Redis address used when RedisAddrEnv is unset; it
// is where scripts/redis.sh starts a server.
const DefaultRedisAddr = "127.0.0.1:6379"

// PythonPath is the interpreter that Debian's python3-socketio is installed
// for. The python3 first on PATH may be a different one without it.
const PythonPath = "/usr/bin/python3"

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// WaitDelay is how long RunNode and RunPython wait, after the script exits
// or is killed, for its output pipes to close before giving up on them.
const WaitDelay = 5 * time.Second

// Required reports whether SOCKETEER_REQUIRE_INTEROP=1 is set, in which case
// a missing tool fails the test instead of skipping it.
func Required() bool {
	return os.Getenv(RequireEnv) == "1"
}

// unavailable stops the test because a tool it needs is missing: Fatalf when
// Required, Skip otherwise. how says how to install the tool.
func unavailable(t testing.TB, how string, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...) + "; " + how
	if Required() {
		t.Fatalf("%s (%s=1, so this fails instead of skipping)", msg, RequireEnv)
	}
	t.Skip(msg)
}

// runSetup tells how to install the tools that scripts/setup.sh installs.
const runSetup = "run scripts/setup.sh"

// Root returns the repository root: the nearest directory, walking up from
// the working directory, whose go.mod declares ModulePath, or failing that the
// nearest directory holding any go.mod. It panics if there is none, which can
// only happen when the code runs outside the repository.
func Root() string {
	dir, err := os.Getwd()
	if err != nil {
		panic(fmt.Sprintf("testenv: working directory: %v", err))
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		panic(fmt.Sprintf("testenv: working directory: %v", err))
	}
	nearest := ""
	for d := dir; ; {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			if modulePath(data) == ModulePath {
				return d
			}
			if nearest == "" {
				nearest = d
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if nearest != "" {
		return nearest
	}
	panic(fmt.Sprintf("testenv: no go.mod in %s or any parent directory", dir))
}

// modulePath returns the path of the module directive in go.mod contents, or
// "" if there is none.
func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(line, "module")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		if i := strings.Index(rest, "//"); i >= 0 {
			rest = rest[:i]
		}
		return strings.Trim(strings.TrimSpace(rest), `"`+"`")
	}
	return ""
}

// InteropDir returns the interop/ folder of the repository, which holds the
// Node package (package.json, node_modules) and the Python scripts.
func InteropDir() string {
	return filepath.Join(Root(), "interop")
}

// Node returns the path of the node executable after checking that the
// interop/ packages are installed (interop/node_modules exists). If either is
// missing the test is skipped, or fails when Required.
func Node(t testing.TB) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable(t, "install Node.js >= 20, then "+runSetup, "node not found in PATH: %v", err)
		return ""
	}
	nm := filepath.Join(InteropDir(), "node_modules")
	if fi, err := os.Stat(nm); err != nil || !fi.IsDir() {
		unavailable(t, runSetup, "%s is missing (npm packages not installed)", nm)
		return ""
	}
	return node
}

// RunNode runs `node script` with its working directory in interop/ and
// returns its combined stdout and stderr. script is relative to interop/
// (an absolute path is used as is). env entries ("KEY=value") are added to
// the test's environment and override it. When ctx ends, the script's whole
// process group is killed and the error wraps ctx.Err(); anything the script
// left running when it exits is killed too. The test is skipped, or fails
// when Required, if Node is unavailable.
func RunNode(t testing.TB, ctx context.Context, script string, env ...string) ([]byte, error) {
	t.Helper()
	node := Node(t)
	dir := InteropDir()
	return run(ctx, dir, node, scriptPath(dir, script), env)
}

// pythonCheck exits non-zero, naming them, if modules that python-socketio's
// clients need cannot be found.
const pythonCheck = `import importlib.util, sys
missing = [m for m in ("socketio", "engineio", "requests", "websocket", "aiohttp")
           if importlib.util.find_spec(m) is None]
if missing:
    sys.exit("missing modules: " + ", ".join(missing))
`

// Python returns PythonPath if that interpreter has socketio together with
// the packages its clients need (requests and websocket for Client,
// aiohttp for AsyncClient). Otherwise the test is skipped, or fails when
// Required.
func Python(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(PythonPath); err != nil {
		unavailable(t, runSetup, "%s not found: %v", PythonPath, err)
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// find_spec locates the modules without the cost of importing them.
	cmd := exec.CommandContext(ctx, PythonPath, "-c", pythonCheck)
	if out, err := cmd.CombinedOutput(); err != nil {
		unavailable(t, runSetup, "%s lacks python-socketio or its client packages: %v: %s",
			PythonPath, err, bytes.TrimSpace(out))
		return ""
	}
	return PythonPath
}

// RunPython runs `python3 script` with PythonPath, its working directory in
// interop/python/, and returns its combined stdout and stderr. script is
// relative to interop/python/ (an absolute path is used as is). env entries
// ("KEY=value") are added to the test's environment and override it; output
// is unbuffered and no bytecode is written. When ctx ends, the script's whole
// process group is killed and the error wraps ctx.Err(); anything the script
// left running when it exits is killed too. The test is skipped, or fails
// when Required, if Python is unavailable.
func RunPython(t testing.TB, ctx context.Context, script string, env ...string) ([]byte, error) {
	t.Helper()
	py := Python(t)
	dir := filepath.Join(InteropDir(), "python")
	env = append([]string{"PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1"}, env...)
	return run(ctx, dir, py, scriptPath(dir, script), env)
}

// Chromium returns the path of Debian's Chromium (ChromiumPath, or chromium
// on PATH). If it is missing the test is skipped, or fails when Required.
func Chromium(t testing.TB) string {
	t.Helper()
	return debianTool(t, ChromiumPath, "chromium")
}

// debianTool returns path when it is an executable file, else name's path
// on PATH. If neither is found the test is skipped, or fails when
// Required.
func debianTool(t testing.TB, path, name string) string {
	t.Helper()
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
		return path
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	unavailable(t, runSetup, "%s not found at %s or in PATH", name, path)
	return ""
}

// NginxPath is where Debian's nginx package installs the server.
const NginxPath = "/usr/sbin/nginx"

// Nginx returns the path of Debian's nginx (NginxPath, or nginx on PATH),
// which tests run as a child process with a configuration of their own.
// If it is missing the test is skipped, or fails when Required.
func Nginx(t testing.TB) string {
	t.Helper()
	return debianTool(t, NginxPath, "nginx")
}

// ChromiumArgs returns the command-line flags that headless Chromium needs on
// the project's machines (root, no network but loopback), with a
// --user-data-dir flag when userDataDir is not empty. Pass them as Playwright's
// launch args or on Chromium's command line. Each call returns a new slice.
func ChromiumArgs(userDataDir string) []string {
	args := []string{
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-background-networking",
		"--disable-quic",
		"--no-first-run",
		"--disable-component-update",
		"--disable-sync",
	}
	if userDataDir != "" {
		args = append(args, "--user-data-dir="+userDataDir)
	}
	return args
}

// RedisAddr returns the host:port of a Redis server that answers PING with
// +PONG within one second over a raw TCP connection: DefaultRedisAddr, or
// the value of SOCKETEER_REDIS_ADDR when set. If none answers the test is
// skipped, or fails when Required.
func RedisAddr(t testing.TB) string {
	t.Helper()
	addr := DefaultRedisAddr
	if v := os.Getenv(RedisAddrEnv); v != "" {
		addr = v
	}
	if err := pingRedis(addr, time.Second); err != nil {
		unavailable(t, "start one with scripts/redis.sh", "no Redis answering at %s: %v", addr, err)
		return ""
	}
	return addr
}

// pingRedis sends PING to the Redis server at addr and expects +PONG, all
// within timeout.
func pingRedis(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	if _, err := conn.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if line = strings.TrimRight(line, "\r\n"); line != "+PONG" {
		return fmt.Errorf("PING answered %q, want +PONG", line)
	}
	return nil
}

// scriptPath resolves script against dir unless it is absolute.
func scriptPath(dir, script string) string {
	if filepath.IsAbs(script) {
		return script
	}
	return filepath.Join(dir, script)
}

// run runs prog with script in dir, in its own process group that is killed
// when ctx ends or the script exits, and returns its combined output.
func run(ctx context.Context, dir, prog, script string, env []string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, prog, script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = WaitDelay
	setProcessGroup(cmd)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	// Whatever the script left running in the background dies with it.
	_ = killProcessGroup(cmd)
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return out.Bytes(), err
}
