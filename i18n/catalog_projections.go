package i18n

// The messages of the projection runner (projections.Runner): opening it, and rebuilding or checking a
// read model through the API or the command line.
func init() {
	extend(map[string]translation{
		"An event store is required.": {
			mk: "Потребно е складиште на настани.",
			sq: "Nevojitet një depo ngjarjesh.",
		},
		"Invalid projection name %q.": {
			mk: "Неважечко име на проекција %q.",
			sq: "Emër i pavlefshëm projeksioni %q.",
		},
		"Two projections are named %q.": {
			mk: "Две проекции се именувани %q.",
			sq: "Dy projeksione quhen %q.",
		},
		"Unknown projection %q.": {
			mk: "Непозната проекција %q.",
			sq: "Projeksion i panjohur %q.",
		},
		"The projection runner is closed.": {
			mk: "Извршувачот на проекциите е затворен.",
			sq: "Ekzekutuesi i projeksioneve është i mbyllur.",
		},
		"The projection runner is already running.": {
			mk: "Извршувачот на проекциите веќе работи.",
			sq: "Ekzekutuesi i projeksioneve është tashmë në punë.",
		},
		"Projection %q is already being rebuilt or checked.": {
			mk: "Проекцијата %q веќе се гради одново или се проверува.",
			sq: "Projeksioni %q tashmë po rindërtohet ose po kontrollohet.",
		},
		"The projection is not attached to a database.": {
			mk: "Проекцијата не е поврзана со база на податоци.",
			sq: "Projeksioni nuk është i lidhur me një bazë të dhënash.",
		},
	})
}
