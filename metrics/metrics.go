package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/socketeer/socketeer/internal/obs"
)

// Options configures New. The zero value is ready to use.
type Options struct {
	// MaxEventNames caps the event names labelled per namespace (default
	// 100); the events past the cap share the label OtherEvent, so that
	// clients sending made-up event names cannot grow the series.
	MaxEventNames int
	// Buckets are the handler duration histogram's buckets, in seconds
	// (default 0.5ms to 2.5s).
	Buckets []float64
}

// OtherEvent is the event label shared by the event names past
// Options.MaxEventNames.
const OtherEvent = obs.OtherEvent

// Metrics holds Socketeer's collectors. Give it to app.Options.Metrics;
// one Metrics serves one App.
type Metrics obs.Metrics

// New makes the collectors and registers them with reg: pass your
// *prometheus.Registry (nothing is registered globally). With a nil reg
// they get a registry of their own, which Handler serves.
func New(reg prometheus.Registerer, o Options) (*Metrics, error) {
	m, err := obs.NewMetrics(obs.MetricsConfig{Registerer: reg, MaxEvents: o.MaxEventNames, Buckets: o.Buckets})
	return (*Metrics)(m), err
}

// Handler serves the metrics in the Prometheus exposition format: those of
// the registry given to New, when it is also a prometheus.Gatherer (as a
// *prometheus.Registry is), else 501. Mount it where Prometheus scrapes,
// such as /metrics.
func (m *Metrics) Handler() http.Handler { return (*obs.Metrics)(m).Handler() }
