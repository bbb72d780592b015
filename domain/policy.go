package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"
)

// ClockStart is the moment a case's clock starts.
type ClockStart string

// When clocks start.
const (
	FromReceipt      ClockStart = "receipt"      // the day the document was received (the law's rule)
	FromRegistration ClockStart = "registration" // the moment the case was numbered in the register
)

// EscalationLevel is a rung of the ladder a late request for input climbs. The organisation directory
// resolves each level to people.
type EscalationLevel string

// Escalation levels, lowest first.
const (
	LevelDeputy    EscalationLevel = "deputy"    // the deputy head of the sector asked
	LevelHead      EscalationLevel = "head"      // the head of the sector asked
	LevelSecretary EscalationLevel = "secretary" // the secretary of the municipality
	LevelCabinet   EscalationLevel = "cabinet"   // the mayor's cabinet
	LevelOfficer   EscalationLevel = "officer"   // the case's owning officer (for the department's own items)
)

// EscalationLevels lists every level.
var EscalationLevels = []EscalationLevel{LevelDeputy, LevelHead, LevelSecretary, LevelCabinet, LevelOfficer}

// EscalationStep is one rung of an escalation ladder: After the due instant, the request escalates To a level.
type EscalationStep struct {
	After Clock           `json:"after"`
	To    EscalationLevel `json:"to"`
}

// RequestPolicy is how requests for input (and a programme's activities and milestones) are chased.
type RequestPolicy struct {
	// Clock is the time a sector has to answer when the officer names no due date.
	Clock Clock `json:"clock"`
	// Reminders are offsets before the due instant at which the sector is reminded.
	Reminders []Clock `json:"reminders"`
	// Escalation is the ladder climbed after the due instant, in order.
	Escalation []EscalationStep `json:"escalation"`
}

// YearlyReport is when a programme's yearly report is due: on Month/Day of the year after the one reported.
type YearlyReport struct {
	Month time.Month `json:"month"`
	Day   int        `json:"day"`
}

// Policy is how the municipality handles one kind of case: its steps, its clock, and how its requests
// for input are reminded and escalated. Defaults follow the law and common practice (DOMAIN.md); a
// municipality overrides them in a policy file (see LoadPolicies).
type Policy struct {
	Kind CaseKind `json:"kind"`
	// Steps are the statuses a case of this kind passes through, in order. An action whose result is a
	// status not in Steps is not allowed for the kind (e.g. "approve" where no approval step exists).
	Steps []Status `json:"steps"`
	// Endings are the lawful endings other than closing after an answer: forwarded, withdrawn, rejected, merged.
	Endings []Status `json:"endings"`
	// Clock is the case's legal or internal clock; the zero Clock means none (programmes).
	Clock       Clock      `json:"clock"`
	ClockStarts ClockStart `json:"clockStarts"`
	// MaxExtension is the most by which the deadline may be extended in total; zero means never.
	MaxExtension Clock `json:"maxExtension"`
	// Clarification is the time a requester has to complete an incomplete request; zero means the kind
	// has no clarification step.
	Clarification Clock         `json:"clarification"`
	Requests      RequestPolicy `json:"requests"`
	// Programme marks long-running kinds that hold activities and milestones.
	Programme bool `json:"programme"`
	// YearlyReport, for programmes, is when each year's report is due.
	YearlyReport *YearlyReport `json:"yearlyReport,omitempty"`
	// Retention is how long a closed case's personal data is kept from its close, as the list of
	// documentary material sets it for the kind; the nightly retention run erases it then (see
	// DutyToKeep). A running case's copy of its policy is not what counts: the policy in force is.
	Retention Retention `json:"retention,omitzero"`
}

// The case kinds.
const (
	KindPetition              CaseKind = "petition"               // a citizen's petition (претставка)
	KindProposal              CaseKind = "proposal"               // a citizen's proposal (предлог)
	KindPublicInformation     CaseKind = "public_information"     // a request for free access to public information
	KindCitizenQuestion       CaseKind = "citizen_question"       // a citizen's question
	KindMediaQuery            CaseKind = "media_query"            // a journalist's question
	KindTwinCityProgramme     CaseKind = "twin_city_programme"    // a twin-city cooperation programme
	KindCooperationInitiative CaseKind = "cooperation_initiative" // an initiative with an international organisation, donor or the diaspora
	KindWebsitePublication    CaseKind = "website_publication"    // content for the municipality's website
)

// CaseKinds lists every kind, in the order the README's table shows them.
var CaseKinds = []CaseKind{
	KindPetition, KindProposal, KindPublicInformation, KindCitizenQuestion, KindMediaQuery,
	KindTwinCityProgramme, KindCooperationInitiative, KindWebsitePublication,
}

// Policies are the policies of every kind.
type Policies map[CaseKind]Policy

// DefaultPolicies returns the policies set by law or common practice (see DOMAIN.md).
func DefaultPolicies() Policies {
	answerSteps := []Status{StatusReceived, StatusRegistered, StatusAssigned, StatusWaitingForInput, StatusAnswerDrafted, StatusAnswerApproved, StatusAnswered, StatusClosed}
	endings := []Status{StatusForwarded, StatusWithdrawn, StatusRejected, StatusMerged}
	days := Clock{Length: 5, Unit: WorkingDays}
	sectorRequests := RequestPolicy{
		Clock:     days,
		Reminders: []Clock{{Length: 1, Unit: WorkingDays}},
		Escalation: []EscalationStep{
			{After: Clock{Length: 0, Unit: Minutes}, To: LevelDeputy},
			{After: Clock{Length: 1, Unit: WorkingDays}, To: LevelHead},
			{After: Clock{Length: 3, Unit: WorkingDays}, To: LevelSecretary},
			{After: Clock{Length: 5, Unit: WorkingDays}, To: LevelCabinet},
		},
	}
	// Every policy gets its own lists, so that changing one kind's never changes another's.
	answer := func(kind CaseKind, clock Clock) Policy {
		return Policy{
			Kind: kind, Steps: slices.Clone(answerSteps), Endings: slices.Clone(endings), Clock: clock, ClockStarts: FromReceipt,
			Requests: RequestPolicy{
				Clock: sectorRequests.Clock, Reminders: slices.Clone(sectorRequests.Reminders), Escalation: slices.Clone(sectorRequests.Escalation),
			},
		}
	}
	programme := func(kind CaseKind) Policy {
		return Policy{
			Kind: kind, Steps: []Status{StatusReceived, StatusRegistered, StatusAssigned, StatusClosed},
			Endings: []Status{StatusWithdrawn, StatusMerged}, ClockStarts: FromReceipt,
			Requests: RequestPolicy{
				Clock:     Clock{Length: 10, Unit: WorkingDays},
				Reminders: []Clock{{Length: 5, Unit: WorkingDays}, {Length: 1, Unit: WorkingDays}},
				Escalation: []EscalationStep{
					{After: Clock{Length: 1, Unit: WorkingDays}, To: LevelHead},
					{After: Clock{Length: 5, Unit: WorkingDays}, To: LevelSecretary},
					{After: Clock{Length: 10, Unit: WorkingDays}, To: LevelCabinet},
				},
			},
			Programme:    true,
			YearlyReport: &YearlyReport{Month: time.January, Day: 31},
		}
	}

	// Law on Free Access to Public Information (2019), art. 21: 20 days; the requester has 3 days to
	// complete an incomplete request; an extension to 30 days in total is reported but unconfirmed.
	info := answer(KindPublicInformation, Clock{Length: 20, Unit: CalendarDays})
	info.Steps = []Status{StatusReceived, StatusRegistered, StatusClarificationRequested, StatusAssigned, StatusWaitingForInput,
		StatusAnswerDrafted, StatusAnswerApproved, StatusAnswered, StatusAnsweredInPart, StatusRefused, StatusClosed}
	info.MaxExtension = Clock{Length: 10, Unit: CalendarDays}
	info.Clarification = Clock{Length: 3, Unit: CalendarDays}
	info.Requests.Clock = Clock{Length: 3, Unit: WorkingDays}

	// A journalist waits hours, not days ("Систем 48" answers within 48 hours).
	media := answer(KindMediaQuery, Clock{Length: 48, Unit: Hours})
	media.Steps = []Status{StatusReceived, StatusRegistered, StatusAssigned, StatusWaitingForInput, StatusAnswerDrafted, StatusAnswered, StatusClosed}
	media.Requests = RequestPolicy{
		Clock:     Clock{Length: 4, Unit: Hours},
		Reminders: []Clock{{Length: 1, Unit: Hours}},
		Escalation: []EscalationStep{
			{After: Clock{Length: 0, Unit: Minutes}, To: LevelDeputy},
			{After: Clock{Length: 1, Unit: Hours}, To: LevelHead},
			{After: Clock{Length: 2, Unit: Hours}, To: LevelSecretary},
			{After: Clock{Length: 4, Unit: Hours}, To: LevelCabinet},
		},
	}

	web := answer(KindWebsitePublication, Clock{Length: 3, Unit: WorkingDays})
	web.Steps = []Status{StatusReceived, StatusRegistered, StatusAssigned, StatusWaitingForInput, StatusAnswerDrafted, StatusAnswerApproved, StatusPublished, StatusClosed}
	web.Endings = []Status{StatusWithdrawn, StatusRejected, StatusMerged}

	ps := Policies{
		// Law on Local Self-Government: a reasoned answer within 60 days of receipt.
		KindPetition:              answer(KindPetition, Clock{Length: 60, Unit: CalendarDays}),
		KindProposal:              answer(KindProposal, Clock{Length: 60, Unit: CalendarDays}),
		KindPublicInformation:     info,
		KindCitizenQuestion:       answer(KindCitizenQuestion, Clock{Length: 15, Unit: WorkingDays}),
		KindMediaQuery:            media,
		KindTwinCityProgramme:     programme(KindTwinCityProgramme),
		KindCooperationInitiative: programme(KindCooperationInitiative),
		KindWebsitePublication:    web,
	}
	for _, k := range CaseKinds {
		p := ps[k]
		p.Retention = defaultRetention[k]
		ps[k] = p
	}
	return ps
}

// HasStep reports whether s is one of the kind's steps or endings.
func (p Policy) HasStep(s Status) bool {
	return slices.Contains(p.Steps, s) || slices.Contains(p.Endings, s)
}

// HasClock reports whether cases of the kind run a clock.
func (p Policy) HasClock() bool { return p.Clock != Clock{} }

// Validate checks a policy and returns an EINVALID error naming the kind and the field at fault.
func (p Policy) Validate() error {
	bad := func(field, format string, args ...any) error {
		path := string(p.Kind) + "." + field
		return FieldErrorf(path, "policy %s: %s", path, fmt.Sprintf(format, args...))
	}
	if !slices.Contains(CaseKinds, p.Kind) {
		return FieldErrorf("kind", "unknown case kind %q", p.Kind)
	}
	for _, s := range p.Steps {
		if !slices.Contains(Statuses, s) || IsTerminal(s) && s != StatusClosed {
			return bad("steps", "%q is not a step (steps are %s)", s, join(steps()))
		}
	}
	for _, s := range []Status{StatusReceived, StatusRegistered, StatusAssigned, StatusClosed} {
		if !slices.Contains(p.Steps, s) {
			return bad("steps", "every kind needs the step %q", s)
		}
	}
	if programme := (&Case{Kind: p.Kind}).Programme(); p.Programme != programme {
		return bad("programme", "must be %t: whether a kind is a programme is fixed by the kind", programme)
	}
	if !p.Programme && !slices.Contains(p.Steps, StatusAnswerDrafted) {
		return bad("steps", "a kind that answers needs the step %q", StatusAnswerDrafted)
	}
	if !p.Programme && !slices.ContainsFunc(p.Steps, isAnswered) {
		return bad("steps", "a kind that answers needs one of the steps %s, %s, %s or %s", StatusAnswered, StatusAnsweredInPart, StatusRefused, StatusPublished)
	}
	for _, s := range p.Endings {
		if !IsTerminal(s) || s == StatusClosed {
			return bad("endings", "%q is not an ending (endings are %s, %s, %s, %s)", s, StatusForwarded, StatusWithdrawn, StatusRejected, StatusMerged)
		}
	}
	if p.HasClock() {
		if err := p.Clock.Validate(); err != nil {
			return bad("clock", "%s", ErrorMessage(err))
		}
	} else if !p.Programme {
		return bad("clock", "only programmes may run without a clock")
	}
	switch p.ClockStarts {
	case FromReceipt, FromRegistration:
	default:
		return bad("clockStarts", "want %q or %q, not %q", FromReceipt, FromRegistration, p.ClockStarts)
	}
	if p.MaxExtension != (Clock{}) {
		if err := p.MaxExtension.Validate(); err != nil {
			return bad("maxExtension", "%s", ErrorMessage(err))
		} else if p.MaxExtension.Unit != p.Clock.Unit {
			return bad("maxExtension", "an extension must be counted like the clock (%s), not in %s", p.Clock.Unit, p.MaxExtension.Unit)
		}
	}
	if p.Clarification != (Clock{}) {
		if err := p.Clarification.Validate(); err != nil {
			return bad("clarification", "%s", ErrorMessage(err))
		} else if !slices.Contains(p.Steps, StatusClarificationRequested) {
			return bad("clarification", "a clarification time needs the step %q", StatusClarificationRequested)
		}
	} else if slices.Contains(p.Steps, StatusClarificationRequested) {
		return bad("clarification", "the step %q needs a clarification time", StatusClarificationRequested)
	}
	if err := p.Requests.Clock.Validate(); err != nil {
		return bad("requests.clock", "%s", ErrorMessage(err))
	}
	for i, r := range p.Requests.Reminders {
		if err := r.Validate(); err != nil {
			return bad(fmt.Sprintf("requests.reminders[%d]", i), "%s", ErrorMessage(err))
		}
	}
	for i, s := range p.Requests.Escalation {
		field := fmt.Sprintf("requests.escalation[%d]", i)
		if err := s.After.ValidateOffset(); err != nil {
			return bad(field+".after", "%s", ErrorMessage(err))
		} else if !slices.Contains(EscalationLevels, s.To) {
			return bad(field+".to", "unknown level %q (levels are %s)", s.To, join(EscalationLevels))
		}
	}
	if p.Programme {
		if p.YearlyReport == nil {
			return bad("yearlyReport", "a programme needs a yearly report date")
		} else if r := *p.YearlyReport; r.Month < time.January || r.Month > time.December || r.Day < 1 ||
			time.Date(2023, r.Month, r.Day, 0, 0, 0, 0, time.UTC).Day() != r.Day { // 2023: not a leap year
			return bad("yearlyReport", "%d-%d is not a day of every year", r.Month, r.Day)
		}
	}
	return nil
}

// Validate checks every policy and that every kind has one.
func (ps Policies) Validate() error {
	for _, k := range CaseKinds {
		p, ok := ps[k]
		if !ok {
			return FieldErrorf("kind", "no policy for the case kind %q", k)
		}
		if err := p.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// policyFile is the shape of a policy file: overrides of the default policy of each kind named.
type policyFile struct {
	// Comment is ignored: a note for the people who keep the file.
	Comment string                       `json:"comment,omitempty"`
	Kinds   map[CaseKind]json.RawMessage `json:"kinds"`
}

// LoadPolicies reads a policy file and returns the default policies with its overrides applied. The file
// is JSON: {"comment": "...", "kinds": {"media_query": {"clock": "4h"}, ...}}; every field of a Policy
// may be given. An object given (such as "requests") changes only the fields it names; any other field
// given replaces the default: a list is replaced whole, and null removes the default (e.g.
// "maxExtension": null).
// Clocks are written "60d", "15wd", "48h" or "30m". Unknown kinds or fields and invalid values are
// EINVALID errors whose Field names the value at fault, e.g. "media_query.requests.escalation[1].to".
func LoadPolicies(r io.Reader) (Policies, error) {
	var f policyFile
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return nil, FieldErrorf(strings.Trim(name, `"`), "policy file: unknown field %s (fields are comment, kinds)", name)
		}
		return nil, Errorf(EINVALID, "policy file: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, Errorf(EINVALID, "policy file: more data after its JSON object")
	}
	ps := DefaultPolicies()
	kinds := make([]CaseKind, 0, len(f.Kinds))
	for k := range f.Kinds {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	for _, k := range kinds {
		p, ok := ps[k]
		if !ok {
			return nil, FieldErrorf("kinds", "policy file: unknown case kind %q (kinds are %s)", k, join(CaseKinds))
		}
		if err := overlay(string(k), f.Kinds[k], reflect.ValueOf(&p).Elem()); err != nil {
			return nil, err
		}
		if p.Kind != k {
			return nil, FieldErrorf(string(k)+".kind", "policy file: %s.kind: a policy's kind is the key it is under, not %q", k, p.Kind)
		}
		ps[k] = p
	}
	if err := ps.Validate(); err != nil {
		return nil, err
	}
	return ps, nil
}

// overlay decodes the JSON value raw over v, naming the value's path in errors. An object changes only
// the fields it names (a field v does not have is an error); a list replaces v whole, with fresh
// elements; null resets v to its zero value; anything else is decoded as encoding/json does.
func overlay(path string, raw json.RawMessage, v reflect.Value) error {
	bad := func(format string, args ...any) error {
		return FieldErrorf(path, "policy file: %s: %s", path, fmt.Sprintf(format, args...))
	}
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		v.SetZero()
		return nil
	}
	if _, ok := v.Addr().Interface().(json.Unmarshaler); !ok {
		switch v.Kind() {
		case reflect.Pointer:
			fresh := reflect.New(v.Type().Elem()) // never change a value that v shares
			if !v.IsNil() {
				fresh.Elem().Set(v.Elem())
			}
			if err := overlay(path, raw, fresh.Elem()); err != nil {
				return err
			}
			v.Set(fresh)
			return nil
		case reflect.Struct:
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
				return bad("want an object, not %s", jsonKind(raw))
			}
			names := make([]string, 0, len(fields))
			for name := range fields {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				f, ok := JSONField(v, name)
				if !ok {
					return FieldErrorf(path+"."+name, "policy file: %s: unknown field %q (fields are %s)", path, name, strings.Join(JSONFieldNames(v.Type()), ", "))
				}
				if err := overlay(path+"."+name, fields[name], f); err != nil {
					return err
				}
			}
			return nil
		case reflect.Slice:
			var items []json.RawMessage
			if err := json.Unmarshal(raw, &items); err != nil {
				return bad("want a list, not %s", jsonKind(raw))
			}
			list := reflect.MakeSlice(v.Type(), len(items), len(items))
			for i, item := range items {
				if err := overlay(fmt.Sprintf("%s[%d]", path, i), item, list.Index(i)); err != nil {
					return err
				}
			}
			v.Set(list)
			return nil
		}
	}
	fresh := reflect.New(v.Type())
	if err := json.Unmarshal(raw, fresh.Interface()); err != nil {
		var typeErr *json.UnmarshalTypeError
		var e *Error
		switch {
		case errors.As(err, &e):
			return bad("%s", e.Message)
		case errors.As(err, &typeErr):
			return bad("want %s, not %s", wantJSON(v.Type()), jsonKind(raw))
		}
		return bad("%v", err)
	}
	v.Set(fresh.Elem())
	return nil
}

// wantJSON describes the JSON a Go type is read from.
func wantJSON(t reflect.Type) string {
	if t == reflect.TypeFor[Clock]() {
		return `a clock such as "60d", "15wd", "48h" or "30m"`
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}

// jsonKind describes a JSON value for an error message: "a string", "a number", ...
func jsonKind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "the string " + string(raw)
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 't', 'f':
		return string(raw)
	case 'n':
		return "null"
	}
	return "the number " + string(raw)
}
