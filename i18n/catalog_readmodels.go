package i18n

// The messages of the read models' queries (projections.Casework): a query they cannot answer.
func init() {
	extend(map[string]translation{
		"The limit must be between 1 and %d.": {
			mk: "Ограничувањето мора да биде помеѓу 1 и %d.",
			sq: "Kufiri duhet të jetë ndërmjet 1 dhe %d.",
		},
		"The offset must not be negative.": {
			mk: "Поместувањето не смее да биде негативно.",
			sq: "Zhvendosja nuk duhet të jetë negative.",
		},
		"Unknown sort field %q; use one of %s.": {
			mk: "Непознато поле за подредување %q; користете едно од следниве: %s.",
			sq: "Fushë e panjohur renditjeje %q; përdorni një nga këto: %s.",
		},
		"Unknown due bucket %q; use one of %s.": {
			mk: "Непозната група според рокот %q; користете една од следниве: %s.",
			sq: "Grup i panjohur sipas afatit %q; përdorni një nga këto: %s.",
		},
		"The end of the range is before its start.": {
			mk: "Крајот на периодот е пред неговиот почеток.",
			sq: "Fundi i periudhës është para fillimit të saj.",
		},
		"Unknown grouping %q; use one of %s.": {
			mk: "Непознато групирање %q; користете едно од следниве: %s.",
			sq: "Grupim i panjohur %q; përdorni një nga këto: %s.",
		},
		"The year must be between %d and %d.": {
			mk: "Годината мора да биде помеѓу %d и %d.",
			sq: "Viti duhet të jetë ndërmjet %d dhe %d.",
		},
	})
}
