// Package workflows holds predmet's Temporal workflows, the names clients use to reach them, and the
// Temporal-backed implementation of domain.CaseService.
package workflows

import (
	"go.temporal.io/sdk/temporal"

	"github.com/predmet/predmet/domain"
)

// TaskQueue is the task queue of predmet's workers.
const TaskQueue = "predmet"

// Update and query names of the case workflow.
const (
	// RegistrationUpdate waits until the case is numbered in the register and returns its Registration.
	// Its argument is the hash of the intake request, so that a retry with the same idempotency key but a
	// different request is rejected.
	RegistrationUpdate = "registration"
	// StateQuery returns the workflow's view of the case (without personal data).
	StateQuery = "state"
)

// CaseWorkflowID returns the workflow ID of a case: the same as its stream's name.
func CaseWorkflowID(caseID string) string { return domain.CaseStream(caseID) }

// Search attributes kept current by the case workflow, for supervisors in the Temporal Web UI.
// They carry IDs, kinds, statuses, sectors and dates: never personal data.
var (
	SearchCaseKind          = temporal.NewSearchAttributeKeyKeyword("CaseKind")
	SearchCaseStatus        = temporal.NewSearchAttributeKeyKeyword("CaseStatus")
	SearchCaseSector        = temporal.NewSearchAttributeKeyKeyword("CaseSector")
	SearchCaseArchiveNumber = temporal.NewSearchAttributeKeyKeyword("CaseArchiveNumber")
	SearchCaseDueAt         = temporal.NewSearchAttributeKeyTime("CaseDueAt")
	SearchCaseOverdue       = temporal.NewSearchAttributeKeyBool("CaseOverdue")
)

// SearchAttributeKeys lists the custom search attributes the namespace must have.
var SearchAttributeKeys = []temporal.SearchAttributeKey{
	SearchCaseKind, SearchCaseStatus, SearchCaseSector, SearchCaseArchiveNumber, SearchCaseDueAt, SearchCaseOverdue,
}

// CaseInput starts a case workflow. It carries no personal data: the case's facts are in its stream.
type CaseInput struct {
	CaseID string
	// RequestHash identifies the intake request that opened the case.
	RequestHash string
	// Unit is the register unit (archive sign) that numbers the case.
	Unit   string
	Policy domain.Policy
	Actor  domain.Actor
}

// Registration is the result of RegistrationUpdate.
type Registration struct {
	CaseID        string
	ArchiveNumber domain.ArchiveNumber
	Deadline      domain.Deadline
	Version       uint64
}
