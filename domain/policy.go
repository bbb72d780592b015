package domain

// Policy is how the municipality handles one kind of case: for now, its legal or internal clock.
type Policy struct {
	Kind  CaseKind `json:"kind"`
	Clock Clock    `json:"clock"`
}

// DefaultPolicies returns the policies set by law or common practice (see DOMAIN.md).
func DefaultPolicies() map[CaseKind]Policy {
	return map[CaseKind]Policy{
		// Law on Local Self-Government: a reasoned answer within 60 days of receipt.
		KindPetition: {Kind: KindPetition, Clock: Clock{Length: 60, Unit: CalendarDays}},
	}
}
