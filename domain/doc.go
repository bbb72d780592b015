// Package domain holds predmet's business language: case kinds, statuses, events, deadlines, the North
// Macedonian calendar, errors and the interfaces (such as EventStore) that the adapters implement.
//
// It imports no infrastructure: no Temporal, no SQL, no HTTP, no logging.
package domain
