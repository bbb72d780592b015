package i18n

// The organisation directory's messages that reach staff (domain.Organisation's look-ups).
func init() {
	extend(map[string]translation{
		"No unit %q in the organisation directory.": {
			mk: "Во именикот на организацијата нема единица %q.",
			sq: "Në regjistrin e organizatës nuk ka njësi %q.",
		},
		"No officer %q in the organisation directory.": {
			mk: "Во именикот на организацијата нема службеник %q.",
			sq: "Në regjistrin e organizatës nuk ka zyrtar %q.",
		},
		"No person %q in the organisation directory.": {
			mk: "Во именикот на организацијата нема лице %q.",
			sq: "Në regjistrin e organizatës nuk ka person %q.",
		},
	})
}
