package i18n

// The titles of the API's problems (RFC 9457): the reason phrases of the HTTP statuses the API answers
// with (http.StatusText), so that a problem's title reads in the language of its detail.
func init() {
	extend(map[string]translation{
		"Bad Request": {
			mk: "Неисправно барање",
			sq: "Kërkesë e pasaktë",
		},
		"Unauthorized": {
			mk: "Потребна е автентикација",
			sq: "Kërkohet autentifikim",
		},
		"Forbidden": {
			mk: "Забрането",
			sq: "E ndaluar",
		},
		"Not Found": {
			mk: "Не е пронајдено",
			sq: "Nuk u gjet",
		},
		"Method Not Allowed": {
			mk: "Методот не е дозволен",
			sq: "Metoda nuk lejohet",
		},
		"Conflict": {
			mk: "Конфликт со тековната состојба",
			sq: "Konflikt me gjendjen aktuale",
		},
		"Request Entity Too Large": {
			mk: "Барањето е преголемо",
			sq: "Kërkesa është shumë e madhe",
		},
		"Unsupported Media Type": {
			mk: "Неподдржан тип на содржина",
			sq: "Lloj i pambështetur i përmbajtjes",
		},
		"Unprocessable Entity": {
			mk: "Неважечки податоци во барањето",
			sq: "Të dhëna të pavlefshme në kërkesë",
		},
		"Internal Server Error": {
			mk: "Внатрешна грешка",
			sq: "Gabim i brendshëm",
		},
		"Service Unavailable": {
			mk: "Услугата е привремено недостапна",
			sq: "Shërbimi është përkohësisht i padisponueshëm",
		},
	})
}
