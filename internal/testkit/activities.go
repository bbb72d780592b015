package testkit

import (
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/predmet/predmet/activities"
	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/sqlite"
)

// NewActivities returns predmet's activities over store, with the built-in calendar (no one-off days)
// and Skopje's time: what the workflow tests register and the activity tests run.
func NewActivities(store domain.EventStore) *activities.Activities {
	return &activities.Activities{Store: store, Calendar: domain.NewCalendar(nil), Location: Skopje}
}

// MustOpenActivityEnv returns an activity test environment running predmet's activities (see
// NewActivities) over an embedded event store in tb's temporary directory, and that store. Each change is
// applied to the activities before they are registered, to give them what a test needs beyond the store,
// the calendar and the location (read models, a mailer, ...).
func MustOpenActivityEnv(tb testing.TB, change ...func(*activities.Activities)) (*testsuite.TestActivityEnvironment, *sqlite.Store) {
	tb.Helper()
	store := MustOpenStore(tb)
	a := NewActivities(store)
	for _, f := range change {
		f(a)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(a)
	return env, store
}
