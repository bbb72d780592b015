package domain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Personal data in the event log. The personal fields of an event (the submitter's name, e-mail, phone
// and postal address, the case's subject and free text, a corrected address) are never stored in
// clear: before an event is appended, a Codec takes them out of its JSON, encrypts them together with
// the case's key in the KeyStore and puts the result in the event's "sealed" field (a Sealed). Reading
// the event, the Codec opens the envelope and puts the fields back. Erasing the case's personal data
// destroys its key: the envelope can never be opened again, while every other field of the event (IDs,
// kinds, dates, numbers) stays in the log, so that every history, deadline and statistic still adds up.
//
// There is one key per case, each belonging to the case's submitter (see PersonOf): erasing a person
// destroys the keys of all their cases; the retention of one case destroys that case's key alone.
//
// Events written before sealing existed hold their personal fields in clear (legacy events). They keep
// reading; erasing such a case records the erasure and every reader shows "[erased]", but the clear
// text stays in the log, which is append-only (see docs/privacy.md).

// Sealed is the envelope of an event's personal fields: their JSON object encrypted with the key Key
// (AES-256-GCM, or an external key service's cipher), under Nonce. It is stored in the event's "sealed"
// field.
type Sealed struct {
	// Key identifies the key in the KeyStore: the case's ID.
	Key   string `json:"key"`
	Nonce []byte `json:"nonce,omitempty"`
	Data  []byte `json:"data"`
}

// ErrKeyDestroyed is what a KeyStore returns for a key that was destroyed: what it sealed is erased.
var ErrKeyDestroyed = Errorf(EGONE, "The personal data was erased.")

// KeyStore keeps the keys that seal personal data, one per case, and derives the pseudonyms of people.
// Implementations: package keystore (a file of its own, the embedded default; HashiCorp Vault's transit
// engine for production).
type KeyStore interface {
	// PersonID returns the pseudonym of the person with the normalised e-mail address email (see
	// NormaliseEmail): a keyed hash, the same on every call, from which the address cannot be read back.
	PersonID(ctx context.Context, email string) (string, error)
	// Seal encrypts plaintext with the key keyID, creating the key on first use, and binds aad to it.
	// Returns ErrKeyDestroyed for a destroyed key (nothing new is sealed for an erased case), and
	// EUNAVAILABLE when the key service cannot be reached.
	Seal(ctx context.Context, keyID string, plaintext, aad []byte) (Sealed, error)
	// Open decrypts s with the aad it was sealed with. Returns ErrKeyDestroyed when its key was
	// destroyed, EINTERNAL for an unknown key or a cipher text that does not authenticate, and
	// EUNAVAILABLE when the key service cannot be reached.
	Open(ctx context.Context, s Sealed, aad []byte) ([]byte, error)
	// Destroy destroys the key keyID for good. Destroying a destroyed or unknown key succeeds.
	Destroy(ctx context.Context, keyID string) error
}

// Part is a part of what predmet holds about a case, as the rules of reading (access.go) name them.
type Part string

// The parts of a case, and the other things staff read.
const (
	// PartSummary is the case's subject, kind, status, archive number, dates and deadline, and its
	// requests for input with their questions.
	PartSummary Part = "summary"
	// PartText is the case's free text: the submitter's letter.
	PartText Part = "text"
	// PartContact is the submitter: name, e-mail address, phone and postal address.
	PartContact Part = "contact"
	// PartEvents is the case's events, with the personal fields the other parts allow.
	PartEvents Part = "events"
	// PartAttachments is the files of the case.
	PartAttachments Part = "attachments"
	// PartOutboxMessage is a message as it went to the outbox: addresses and bodies.
	PartOutboxMessage Part = "outbox_message"
	// PartLists is the read models: case lists and their CSV, the due-date tracker, escalations,
	// statistics. They hold no personal data.
	PartLists Part = "lists"
	// PartBriefing is the mayor's daily briefing (no personal data).
	PartBriefing Part = "briefing"
	// PartPrivacy is the privacy administration: erasure, the submitter's copy, the access log.
	PartPrivacy Part = "privacy"
)

// PersonalField is a top-level field of an event's JSON that holds personal data, and the part of the
// case it belongs to.
type PersonalField struct {
	Name string
	Part Part
}

// personalFields lists, per event type, the fields that hold personal data: the one table the Codec
// seals by, and the rules of reading redact events by. An event type not listed holds none.
var personalFields = map[string][]PersonalField{
	EventCaseReceived:              {{"subject", PartSummary}, {"text", PartText}, {"submitter", PartContact}},
	EventSubmitterContactCorrected: {{"email", PartContact}},
}

// PersonalFields returns the personal fields of events of type typ (none for most types).
func PersonalFields(typ string) []PersonalField { return personalFields[typ] }

// sealedField is the field of an event's JSON that holds its Sealed envelope.
const sealedField = "sealed"

// SealState says what reading an event found of its personal data.
type SealState int

// The states of an event's personal data.
const (
	// NoPersonalData: the event's type holds none, or this event had none to seal.
	NoPersonalData SealState = iota
	// Opened: the envelope was opened; its fields are back in the event.
	Opened
	// Erased: the envelope's key was destroyed; the event reads without its personal fields.
	Erased
	// Legacy: the event holds its personal fields in clear, written before sealing existed.
	Legacy
)

// Codec seals the personal fields of events before they are stored, and opens them when they are read,
// with the keys of a KeyStore.
type Codec struct {
	Keys KeyStore
}

// aad binds an envelope to its key and event type, so that it cannot be moved to another case or
// another kind of event.
func aad(keyID, typ string) []byte { return []byte("predmet/" + typ + "/" + keyID) }

// SealData returns the JSON data of an event of type typ with its personal fields sealed in an
// envelope under the key keyID. Data of a type without personal fields, or without any of them set,
// is returned as it is.
func (c *Codec) SealData(ctx context.Context, keyID, typ string, data []byte) ([]byte, error) {
	fields := personalFields[typ]
	if len(fields) == 0 {
		return data, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("seal %s: %w", typ, err)
	}
	if _, ok := obj[sealedField]; ok {
		return data, nil // sealed already
	}
	personal := make(map[string]json.RawMessage, len(fields))
	for _, f := range fields {
		if v, ok := obj[f.Name]; ok {
			personal[f.Name] = v
			delete(obj, f.Name)
		}
	}
	if len(personal) == 0 {
		return data, nil
	}
	plain, err := json.Marshal(personal)
	if err != nil {
		return nil, err
	}
	s, err := c.Keys.Seal(ctx, keyID, plain, aad(keyID, typ))
	if err != nil {
		return nil, err
	}
	env, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	obj[sealedField] = env
	return json.Marshal(obj)
}

// Seal seals the personal fields of events, in place, under the key keyID.
func (c *Codec) Seal(ctx context.Context, keyID string, events []EventData) error {
	for i := range events {
		data, err := c.SealData(ctx, keyID, events[i].Type, events[i].Data)
		if err != nil {
			return err
		}
		events[i].Data = data
	}
	return nil
}

// SealEvent returns e with its personal fields sealed under the key keyID: the form in which an event
// travels through a workflow's history, which must never hold personal data. The event's type must keep
// the envelope in a field tagged "sealed".
func (c *Codec) SealEvent(ctx context.Context, keyID string, e Event) (Event, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	if data, err = c.SealData(ctx, keyID, e.EventType(), data); err != nil {
		return nil, err
	}
	out, _ := NewEvent(e.EventType())
	if err := json.Unmarshal(data, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Open returns r with its personal fields opened, and what it found: an envelope opened or erased, a
// legacy event, or no personal data. An envelope whose key is destroyed leaves the event without its
// personal fields.
func (c *Codec) Open(ctx context.Context, r RecordedEvent) (RecordedEvent, SealState, error) {
	fields := personalFields[r.Type]
	if len(fields) == 0 || !bytes.Contains(r.Data, []byte(`"`+sealedField+`"`)) {
		if len(fields) > 0 && hasAnyField(r.Data, fields) {
			return r, Legacy, nil
		}
		return r, NoPersonalData, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(r.Data, &obj); err != nil {
		return r, NoPersonalData, Errorf(EINTERNAL, "Cannot decode %s at %s@%d: %v.", r.Type, r.Stream, r.Revision, err)
	}
	env, ok := obj[sealedField]
	if !ok {
		return r, NoPersonalData, nil
	}
	var s Sealed
	if err := json.Unmarshal(env, &s); err != nil {
		return r, NoPersonalData, Errorf(EINTERNAL, "Cannot decode the envelope of %s at %s@%d: %v.", r.Type, r.Stream, r.Revision, err)
	}
	delete(obj, sealedField)
	state := Opened
	plain, err := c.Keys.Open(ctx, s, aad(s.Key, r.Type))
	switch {
	case errors.Is(err, ErrKeyDestroyed):
		state = Erased
		obj[erasedField] = json.RawMessage("true")
	case err != nil:
		return r, NoPersonalData, err
	default:
		var personal map[string]json.RawMessage
		if err := json.Unmarshal(plain, &personal); err != nil {
			return r, NoPersonalData, Errorf(EINTERNAL, "Cannot decode the personal data of %s at %s@%d: %v.", r.Type, r.Stream, r.Revision, err)
		}
		for k, v := range personal {
			obj[k] = v
		}
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return r, NoPersonalData, err
	}
	r.Data = data
	return r, state, nil
}

// erasedField marks, in an event's JSON as a reader gets it, that its personal fields were erased.
const erasedField = "erased"

// WithoutPersonalData returns the event without its personal fields, marked "erased": true: how every
// reader shows an event of a case whose personal data was erased, legacy events (that hold it in clear
// in the log) included.
func WithoutPersonalData(r RecordedEvent) RecordedEvent {
	fields := personalFields[r.Type]
	if len(fields) == 0 {
		return r
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(r.Data, &obj); err != nil {
		r.Data = []byte(`{"erased":true}`)
		return r
	}
	for _, f := range fields {
		delete(obj, f.Name)
	}
	delete(obj, sealedField)
	obj[erasedField] = json.RawMessage("true")
	r.Data, _ = json.Marshal(obj)
	return r
}

// IsErasedData reports whether an event's JSON, as a reader gets it, is marked erased.
func IsErasedData(data []byte) bool {
	var m struct {
		Erased bool `json:"erased"`
	}
	return bytes.Contains(data, []byte(`"`+erasedField+`"`)) && json.Unmarshal(data, &m) == nil && m.Erased
}

// hasAnyField reports whether the JSON object data has one of fields (a quick look: a legacy event
// holds them in clear).
func hasAnyField(data []byte, fields []PersonalField) bool {
	for _, f := range fields {
		if bytes.Contains(data, []byte(`"`+f.Name+`"`)) {
			return true
		}
	}
	return false
}

// OpenEvents opens the personal fields of every event, in place. It returns whether any envelope was
// erased, and whether any event was a legacy one.
func (c *Codec) OpenEvents(ctx context.Context, events []RecordedEvent) (erased, legacy bool, err error) {
	for i := range events {
		r, state, err := c.Open(ctx, events[i])
		if err != nil {
			return false, false, err
		}
		events[i] = r
		erased = erased || state == Erased
		legacy = legacy || state == Legacy
	}
	return erased, legacy, nil
}

// ReadCase reads the case's stream from store, opens its personal fields and folds it. A case whose key
// is destroyed but whose stream does not record the erasure yet (the moment between the two) is folded
// as erased. Returns ENOTFOUND for an unknown case.
func (c *Codec) ReadCase(ctx context.Context, store EventStore, id string) (*Case, []RecordedEvent, error) {
	events, err := store.ReadStream(ctx, CaseStream(id), ReadStreamOptions{})
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil, Errorf(ENOTFOUND, "No case with ID %q.", id)
	} else if err != nil {
		return nil, nil, err
	}
	erased, _, err := c.OpenEvents(ctx, events)
	if err != nil {
		return nil, nil, err
	}
	kase, err := FoldCase(events)
	if err != nil {
		return nil, nil, err
	}
	if erased && kase.Erased == nil {
		kase.Erased = &CaseErasure{}
	}
	return kase, events, nil
}

// NormaliseEmail returns the form of an e-mail address that identifies a person: without surrounding
// space, in lower case.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// PersonOf returns the person a case's submitter is: by their e-mail address when they gave one (the
// key store's pseudonym, "p-…"), else the case alone ("c-<case ID>"). The address itself never appears.
func PersonOf(ctx context.Context, keys KeyStore, caseID string, s Submitter) (string, error) {
	if email := NormaliseEmail(s.Email); email != "" {
		id, err := keys.PersonID(ctx, email)
		if err != nil {
			return "", err
		}
		return "p-" + id, nil
	}
	return "c-" + caseID, nil
}

// ErasedText stands, in English, wherever a reader would have shown personal data that was erased; the
// i18n catalogue has it in Macedonian and Albanian.
const ErasedText = "[erased]"
