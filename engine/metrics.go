package engine

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/predmet/predmet/projections"
)

// lagCollector exposes every projection's lag as Prometheus gauges, read from the runner at each scrape.
type lagCollector struct {
	runner *projections.Runner

	eventsBehind, secondsBehind, applied, caughtUp *prometheus.Desc
}

func newLagCollector(r *projections.Runner) *lagCollector {
	labels := []string{"projection"}
	return &lagCollector{
		runner: r,
		eventsBehind: prometheus.NewDesc("predmet_projection_events_behind",
			"Events in the log after the projection's checkpoint (capped at the runner's scan limit).", labels, nil),
		secondsBehind: prometheus.NewDesc("predmet_projection_seconds_behind",
			"Age of the oldest event the projection has not processed yet (0 when caught up).", labels, nil),
		applied: prometheus.NewDesc("predmet_projection_events_applied",
			"Events the projection applied since it was last built from the start of the log.", labels, nil),
		caughtUp: prometheus.NewDesc("predmet_projection_caught_up",
			"1 while the projection follows the log live, 0 while it catches up or fails.", labels, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *lagCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.eventsBehind
	ch <- c.secondsBehind
	ch <- c.applied
	ch <- c.caughtUp
}

// Collect implements prometheus.Collector.
func (c *lagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for name, lag := range c.runner.Lag(ctx) {
		up := 0.0
		if lag.CaughtUp {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(c.eventsBehind, prometheus.GaugeValue, float64(lag.EventsBehind), name)
		ch <- prometheus.MustNewConstMetric(c.secondsBehind, prometheus.GaugeValue, lag.SecondsBehind, name)
		ch <- prometheus.MustNewConstMetric(c.applied, prometheus.CounterValue, float64(lag.EventsApplied), name)
		ch <- prometheus.MustNewConstMetric(c.caughtUp, prometheus.GaugeValue, up, name)
	}
}

// metricsHandler serves the process's metrics: the projections' lag, and Go's runtime.
func metricsHandler(r *projections.Runner) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector())
	if r != nil {
		reg.MustRegister(newLagCollector(r))
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// projectionAdmin lets the API watch, rebuild and check the runner's projections.
type projectionAdmin struct{ runner *projections.Runner }

// Status implements intake.ProjectionAdmin.
func (a projectionAdmin) Status(ctx context.Context) any { return a.runner.Lag(ctx) }

// Rebuild implements intake.ProjectionAdmin.
func (a projectionAdmin) Rebuild(ctx context.Context, name string) error {
	return a.runner.Rebuild(ctx, name)
}

// Check implements intake.ProjectionAdmin.
func (a projectionAdmin) Check(ctx context.Context, name string) (any, bool, error) {
	var reports []projections.CheckReport
	if name == "" {
		all, err := a.runner.CheckAll(ctx)
		if err != nil {
			return nil, false, err
		}
		reports = all
	} else {
		rep, err := a.runner.Check(ctx, name)
		if err != nil {
			return nil, false, err
		}
		reports = []projections.CheckReport{rep}
	}
	for _, r := range reports {
		if !r.OK {
			return reports, false, nil
		}
	}
	return reports, true, nil
}
