package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/socketeer/socketeer/internal/testenv"
)

// TestRaces runs interop/js/eio_races.js against the conformance binary:
// the upgrade and close races the official protocol suites probe, each
// repeated 20 times with Node's ws client and fetch, on /engine.io/ and
// /socket.io/. Every round must pass.
func TestRaces(t *testing.T) {
	addr := server(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	out, err := testenv.RunNode(t, ctx, "js/eio_races.js", "SERVER_URL=http://"+addr, "ROUNDS=20")
	if err != nil {
		t.Fatalf("eio_races.js: %v\n%s", err, out)
	}
	checks := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var line struct {
			Step string
			Data struct {
				Passed, Failed int
				First          string
			}
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		if line.Step == "error" {
			t.Fatalf("eio_races.js: %s", sc.Bytes())
		}
		checks++
		if line.Data.Failed > 0 || line.Data.Passed != 20 {
			t.Errorf("%s: %d of %d rounds failed, first: %s", line.Step, line.Data.Failed, line.Data.Passed+line.Data.Failed, line.Data.First)
		}
	}
	if checks != 8 {
		t.Fatalf("eio_races.js reported %d checks, want 8:\n%s", checks, out)
	}
}
