package apicheck

import (
	"go/ast"
	"go/token"
	"sort"
	"strings"
	"testing"

	"github.com/socketeer/socketeer/adapter"
	"github.com/socketeer/socketeer/adapter/redis"
	"github.com/socketeer/socketeer/adapter/redissharded"
	"github.com/socketeer/socketeer/adapter/redisstreams"
	"github.com/socketeer/socketeer/admin"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/client"
	"github.com/socketeer/socketeer/emitter"
	"github.com/socketeer/socketeer/engine"
	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/internal/eioclient"
	"github.com/socketeer/socketeer/internal/msgpack"
	"github.com/socketeer/socketeer/middleware"
	"github.com/socketeer/socketeer/protocol"
)

// sentinels holds the value of every exported Err* variable of the module,
// by "package.Name". TestSentinelsAreListed fails when the source declares
// one that is missing here, so a new sentinel cannot skip the checks.
var sentinels = map[string]error{
	"adapter.ErrUnsupported":              adapter.ErrUnsupported,
	"adapter/redis.ErrUnreachable":        redis.ErrUnreachable,
	"adapter/redis.ErrTimeout":            redis.ErrTimeout,
	"adapter/redis.ErrClosed":             redis.ErrClosed,
	"adapter/redis.ErrQueueFull":          redis.ErrQueueFull,
	"adapter/redissharded.ErrUnreachable": redissharded.ErrUnreachable,
	"adapter/redissharded.ErrTimeout":     redissharded.ErrTimeout,
	"adapter/redissharded.ErrClosed":      redissharded.ErrClosed,
	"adapter/redissharded.ErrQueueFull":   redissharded.ErrQueueFull,
	"adapter/redissharded.ErrOptions":     redissharded.ErrOptions,
	"adapter/redisstreams.ErrUnreachable": redisstreams.ErrUnreachable,
	"adapter/redisstreams.ErrTimeout":     redisstreams.ErrTimeout,
	"adapter/redisstreams.ErrClosed":      redisstreams.ErrClosed,
	"apptest.ErrDisconnected":             apptest.ErrDisconnected,
	"client.ErrBufferFull":                client.ErrBufferFull,
	"client.ErrClosed":                    client.ErrClosed,
	"client.ErrConnectRefused":            client.ErrConnectRefused,
	"client.ErrDisconnected":              client.ErrDisconnected,
	"client.ErrHandlerQueueFull":          client.ErrHandlerQueueFull,
	"client.ErrReconnectFailed":           client.ErrReconnectFailed,
	"internal/eioclient.ErrClosed":        eioclient.ErrClosed,
	"internal/eioclient.ErrHandshake":     eioclient.ErrHandshake,
	"internal/eioclient.ErrParse":         eioclient.ErrParse,
	"internal/eioclient.ErrQueueFull":     eioclient.ErrQueueFull,
	"emitter.ErrReservedEvent":            emitter.ErrReservedEvent,
	"engine.ErrParse":                     engine.ErrParse,
	"engine.ErrClosed":                    engine.ErrClosed,
	"engine.ErrSlowConsumer":              engine.ErrSlowConsumer,
	"middleware.ErrRateLimited":           middleware.ErrRateLimited,
	"protocol.ErrInvalidPacket":           protocol.ErrInvalidPacket,
	"errors.ErrUnsupported":               errors.ErrUnsupported,
	"errors.ErrUnknownNamespace":          errors.ErrUnknownNamespace,
	"errors.ErrReservedEvent":             errors.ErrReservedEvent,
	"errors.ErrSocketClosed":              errors.ErrSocketClosed,
	"errors.ErrAckTimeout":                errors.ErrAckTimeout,
	"errors.ErrRegistration":              errors.ErrRegistration,
	"errors.ErrServing":                   errors.ErrServing,
	"errors.ErrArgs":                      errors.ErrArgs,
	"errors.ErrSlowConsumer":              errors.ErrSlowConsumer,
	"errors.ErrInvalidPacket":             errors.ErrInvalidPacket,
	"errors.ErrEncode":                    errors.ErrEncode,
	"errors.ErrRateLimited":               errors.ErrRateLimited,
	"errors.ErrAdapter":                   errors.ErrAdapter,
	"errors.ErrConnectFailed":             errors.ErrConnectFailed,
	"errors.ErrBufferFull":                errors.ErrBufferFull,
	"admin.ErrNoAuth":                     admin.ErrNoAuth,
	"admin.ErrBadHash":                    admin.ErrBadHash,
	"internal/msgpack.ErrMalformed":       msgpack.ErrMalformed,
	"internal/msgpack.ErrTooDeep":         msgpack.ErrTooDeep,
	"internal/msgpack.ErrInvalidJSON":     msgpack.ErrInvalidJSON,
	"internal/msgpack.ErrNotEncodable":    msgpack.ErrNotEncodable,
	"internal/msgpack.ErrInvalidPacket":   msgpack.ErrInvalidPacket,
}

// errorTypes holds a value of every exported error type of the module
// outside package errors, by "package.Type".
var errorTypes = map[string]error{
	"apptest.ConnectError":         &apptest.ConnectError{Namespace: "/", Message: "no"},
	"client.ConnectError":          &client.ConnectError{Namespace: "/", Message: "no"},
	"internal/eioclient.HTTPError": &eioclient.HTTPError{Status: 400, Body: "{}"},
}

// declaredSentinels returns the exported Err* variables the source
// declares, as "package.Name".
func declaredSentinels(t *testing.T) []string {
	var out []string
	for _, f := range moduleFiles(t) {
		for _, decl := range f.file.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				for _, n := range spec.(*ast.ValueSpec).Names {
					if n.IsExported() && strings.HasPrefix(n.Name, "Err") {
						out = append(out, f.pkg+"."+n.Name)
					}
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestSentinelsAreListed(t *testing.T) {
	declared := declaredSentinels(t)
	seen := map[string]bool{}
	for _, name := range declared {
		seen[name] = true
		if _, ok := sentinels[name]; !ok {
			t.Errorf("%s is not in this test's table: add it, so that it is checked", name)
		}
	}
	for name := range sentinels {
		if !seen[name] {
			t.Errorf("%s is in the table but not declared in the source", name)
		}
	}
}

// listed returns the sentinels of package errors.
func listed() map[string]error {
	out := map[string]error{}
	for name, err := range sentinels {
		if short, ok := strings.CutPrefix(name, "errors."); ok {
			out[short] = err
		}
	}
	return out
}

// TestSentinelsMatchPackageErrors checks every sentinel outside package
// errors: it must match (errors.Is) one of package errors, the one of the
// same name when there is one (engine.ErrSlowConsumer must be
// errors.ErrSlowConsumer), and its text must start with "socketeer: ".
func TestSentinelsMatchPackageErrors(t *testing.T) {
	base := listed()
	for name, err := range sentinels {
		pkg, short, _ := strings.Cut(name, ".")
		if err == nil {
			t.Errorf("%s is nil", name)
			continue
		}
		if name != "errors.ErrUnsupported" && !strings.HasPrefix(err.Error(), "socketeer: ") {
			t.Errorf("%s = %q does not start with %q, as errors/doc.go promises", name, err, "socketeer: ")
		}
		if pkg == "errors" {
			continue
		}
		if same, ok := base[short]; ok {
			if !errors.Is(err, same) {
				t.Errorf("errors.Is(%s, errors.%s) is false", name, short)
			}
			continue
		}
		matched := false
		for _, b := range base {
			matched = matched || errors.Is(err, b)
		}
		if !matched {
			t.Errorf("%s (%q) matches no sentinel of package errors", name, err)
		}
	}
}

// TestErrorTypesMatchPackageErrors checks that every exported error type
// outside package errors is listed here, and that its values match a
// sentinel or a type of package errors.
func TestErrorTypesMatchPackageErrors(t *testing.T) {
	for _, f := range moduleFiles(t) {
		if f.pkg == "errors" {
			continue
		}
		for _, decl := range f.file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Name.Name != "Error" || !ast.IsExported(receiverName(fn)) {
				continue
			}
			if _, ok := errorTypes[f.pkg+"."+receiverName(fn)]; !ok {
				t.Errorf("%s.%s is an exported error type missing from this test's table", f.pkg, receiverName(fn))
			}
		}
	}
	base := listed()
	for name, err := range errorTypes {
		matched := false
		for _, b := range base {
			matched = matched || errors.Is(err, b)
		}
		_, client := errors.AsType[*errors.ClientError](err)
		_, decode := errors.AsType[*errors.DecodeError](err)
		_, validation := errors.AsType[*errors.ValidationError](err)
		_, panicked := errors.AsType[*errors.PanicError](err)
		if !matched && !client && !decode && !validation && !panicked {
			t.Errorf("%s matches no sentinel or type of package errors", name)
		}
		if !strings.HasPrefix(err.Error(), "socketeer: ") {
			t.Errorf("%s says %q, without the prefix %q", name, err, "socketeer: ")
		}
	}
}
