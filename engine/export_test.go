package engine

// StopTemporalOf stops the embedded Temporal server under a running engine, to test what the API does
// when Temporal is unreachable.
func StopTemporalOf(e *Engine) error { return e.temporal.Stop() }
