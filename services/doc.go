// Package services holds predmet's application services: what the HTTP API, the staff pages and the
// worker call to open and act on cases, suspend every clock, read and compose the mayor's briefing, and
// follow and resend the notifications. Each implements one of the domain's interfaces on Temporal and
// the event store:
//
//   - Cases (domain.CaseService) writes a case's receipt to its stream and starts the case's workflow,
//     which numbers it; it acts on a case through the workflow's ActionUpdate and reads the case from
//     its stream.
//   - Clocks (domain.ClockService) suspends and resumes every clock through the one ClocksWorkflow.
//   - Briefings (domain.BriefingService) reads briefings from their streams and composes one on demand
//     through BriefingWorkflow.
//   - Outbox (domain.OutboxService) lists the notifications from their read model and their streams,
//     and queues one again when the domain's rules allow (domain.Notification.Resend).
//
// The services decide nothing the domain decides: they check input against domain rules, hand the
// command to the workflow that owns the state, and translate what comes back. Errors are the domain's:
// a domain error a workflow's validator or handler returned comes back with its code (workflows.DomainError),
// and Temporal's own conditions are recognised by their types (see temporalError). The package imports
// workflows only for the workflows' names, IDs and the types of their updates.
package services
