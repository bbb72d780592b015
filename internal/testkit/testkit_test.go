package testkit_test

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/predmet/predmet/internal/testkit"
)

// fatalRecorder is a testing.TB whose Fatalf records the message and ends the goroutine, as the real
// one does.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestEventually(t *testing.T) {
	t.Run("OK_ReturnsOnceTheConditionHolds", func(t *testing.T) {
		calls := 0
		testkit.Eventually(t, time.Minute, func() error {
			if calls++; calls < 3 {
				return errors.New("not yet")
			}
			return nil
		})
		if calls != 3 {
			t.Errorf("f called %d times, want 3", calls)
		}
	})

	t.Run("ErrFailsWithTheLastErrorWhenTimeRunsOut", func(t *testing.T) {
		r := &fatalRecorder{TB: t}
		calls := 0
		done := make(chan struct{})
		go func() {
			defer close(done)
			testkit.Eventually(r, 50*time.Millisecond, func() error {
				calls++
				return fmt.Errorf("attempt %d", calls)
			})
		}()
		<-done
		if want := fmt.Sprintf("attempt %d", calls); !strings.Contains(r.msg, "not within 50ms") || !strings.HasSuffix(r.msg, want) {
			t.Errorf("Fatalf(%q), want the time and %q", r.msg, want)
		}
	})
}

func TestPath(t *testing.T) {
	if _, err := os.Stat(testkit.Path("deploy/directory/example.json")); err != nil {
		t.Errorf("the sample directory is not at its path: %v", err)
	}
}
