//go:build race

package projections_test

// raceEnabled reports whether the tests run under the race detector (go test -race).
const raceEnabled = true
