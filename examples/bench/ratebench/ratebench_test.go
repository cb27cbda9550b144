package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/socketeer/socketeer/examples/internal/run"
)

// TestRatebench runs each mode briefly against the benchmark server and
// checks the counts and the order of the percentiles.
func TestRatebench(t *testing.T) {
	srv := run.Start(t, "..", "bench server on")
	addr := strings.TrimPrefix(srv.URL, "http://")
	base := config{addr: addr, server: "socketeer", clients: 10, payload: 100, srcNet: "127.0.0",
		warmup: 200 * time.Millisecond, duration: 2 * time.Second}
	tests := []struct {
		name      string
		change    func(*config)
		scenario  string
		acks      [2]uint64 // at least, at most
		broadcast bool
	}{
		{"fixed rate", func(c *config) { c.rate = 500 }, "echo-rate", [2]uint64{950, 1050}, false},
		{"closed loop", func(c *config) { c.acks = 700 }, "echo-closed", [2]uint64{700, 700}, false},
		{"storm", func(c *config) { c.rate, c.receivers, c.storm = 300, 50, 10 }, "echo-rate-storm", [2]uint64{570, 630}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			tt.change(&c)
			if err := c.check(); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := measure(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if res.Scenario != tt.scenario || res.Errors != 0 {
				t.Errorf("scenario %q, %d errors (%s)", res.Scenario, res.Errors, res.FirstError)
			}
			if res.Acks < tt.acks[0] || res.Acks > tt.acks[1] {
				t.Errorf("%d acks measured, want %d..%d", res.Acks, tt.acks[0], tt.acks[1])
			}
			if !(0 < res.P50 && res.P50 <= res.P99 && res.P99 <= res.P999 && res.P999 <= res.Max) {
				t.Errorf("percentiles out of order: p50 %v p99 %v p99.9 %v max %v", res.P50, res.P99, res.P999, res.Max)
			}
			if tt.broadcast {
				if res.Broadcasts < 15 || res.DeliveryPct < 99 {
					t.Errorf("%d broadcasts, %.1f%% delivered to the receivers", res.Broadcasts, res.DeliveryPct)
				}
			}
		})
	}
}

func TestConfigCheck(t *testing.T) {
	ok := config{addr: "127.0.0.1:3000", clients: 1, rate: 10, duration: time.Second}
	bad := map[string]func(*config){
		"remote host":         func(c *config) { c.addr = "192.0.2.1:3000" },
		"no port":             func(c *config) { c.addr = "127.0.0.1" },
		"no clients":          func(c *config) { c.clients = 0 },
		"storm, no receivers": func(c *config) { c.storm = 5 },
		"negative rate":       func(c *config) { c.rate = -1 },
	}
	if err := ok.check(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for name, change := range bad {
		c := ok
		change(&c)
		if err := c.check(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
