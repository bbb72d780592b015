// Package workflows holds predmet's Temporal workflows (what runs in Temporal), their worker and
// schedules, and the names, IDs and update and signal types clients use to reach them. The application
// services that call them are in package services.
package workflows

import (
	"strings"
	"time"

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
	// HistoryLimit is the history length after which the case continues as new (DefaultHistoryLimit if 0).
	HistoryLimit int
}

// Registration is the result of RegistrationUpdate.
type Registration struct {
	CaseID        string
	ArchiveNumber domain.ArchiveNumber
	Deadline      domain.Deadline
	Version       uint64
}

// CausedByUpdate reports whether an event the case workflow recorded was caused by the update with the
// given ID: the workflow writes the ID of the ActionUpdate that acted into the causation ID of the
// events it appends (domain.Metadata.CausationID, "<workflow ID>/<action>#<update ID>@<version>").
func CausedByUpdate(causationID, updateID string) bool {
	return strings.Contains(causationID, "#"+updateID+"@")
}

// ActionUpdate is the update through which staff act on a case. Its argument is a domain.ActionRequest;
// its validator rejects an action the case's state or the actor's role does not allow, which then
// leaves no trace in the history; its result is the case's state after the action (without personal data).
const ActionUpdate = "action"

// Signals between a case and the child workflows that chase its requests for input.
const (
	// RequestFactSignal tells a case that its request's child workflow sent a reminder or an escalation;
	// its argument is a RequestFact. The case records it as an event.
	RequestFactSignal = "request-fact"
	// RequestChangeSignal tells a request's child workflow that the request was answered, cancelled or
	// reassigned; its argument is a RequestChange.
	RequestChangeSignal = "request-change"
	// ClocksSignal tells a case that every clock was suspended or resumed; its argument is a ClocksChange.
	ClocksSignal = "clocks"
	// CaseNoteSignal tells a case something to record that happened outside it: a message about it that
	// could not be delivered, the submitter's corrected address, or the erasure of its personal data;
	// its argument is a CaseNote.
	CaseNoteSignal = "note"
)

// RequestWorkflowID returns the workflow ID of the child workflow that chases a case's request.
func RequestWorkflowID(caseID, requestID string) string {
	return CaseWorkflowID(caseID) + "/" + requestID
}

// RequestInput starts the child workflow of a request for input (or a programme's item).
type RequestInput struct {
	CaseID  string
	Request domain.Request
	Policy  domain.RequestPolicy
}

// RequestFact is a reminder or an escalation a request's workflow delivered, for its case to record.
type RequestFact struct {
	RequestID  string
	Generation int
	Kind       domain.NotificationKind
	// Step is the reminder's number or the ladder's step, from 1.
	Step           int
	Level          domain.EscalationLevel
	Sector         string
	NotificationID string
	At             time.Time
}

// RequestChange tells a request's workflow what became of its request.
type RequestChange struct {
	// Closed is set when the request was answered or cancelled, or its case ended.
	Closed bool
	// Generation, Sector and DueAt describe a reassignment: chase the new sector from the start.
	Generation int
	Sector     string
	DueAt      time.Time
}

// CaseNote is what CaseNoteSignal carries: exactly one of its events, with the key that makes a repeated
// signal record nothing new. A Contact comes sealed: the history never holds personal data.
type CaseNote struct {
	Key     string
	Failed  *domain.CaseNotificationFailed
	Contact *domain.SubmitterContactCorrected
	Erased  *domain.PersonalDataErased
}

// Event returns the note's event, or nil for an empty note.
func (n CaseNote) Event() domain.Event {
	switch {
	case n.Failed != nil:
		return n.Failed
	case n.Contact != nil:
		return n.Contact
	case n.Erased != nil:
		return n.Erased
	}
	return nil
}

// ClocksChange is a suspension or resumption of every clock, as recorded in domain.ClocksStream.
type ClocksChange struct {
	Suspended bool
	At        time.Time
	Reason    string
	// Revision is the position of the change in domain.ClocksStream plus one; a case applies each once.
	Revision uint64
}
