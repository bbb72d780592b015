package i18n

// catalog holds every message predmet shows to people, keyed by its English format string. Each
// translation keeps the English format's verbs in the same order (see TestCatalog).
var catalog = map[string]translation{
	// Validation of a new case (domain.NewCase.Validate).
	"The case kind is required.": {
		mk: "Видот на предметот е задолжителен.",
		sq: "Lloji i lëndës është i detyrueshëm.",
	},
	"Unknown case kind %q.": {
		mk: "Непознат вид на предмет %q.",
		sq: "Lloj i panjohur lënde %q.",
	},
	"The field %s is required.": {
		mk: "Полето %s е задолжително.",
		sq: "Fusha %s është e detyrueshme.",
	},
	"The field %s is not valid UTF-8.": {
		mk: "Полето %s не е валиден текст во UTF-8.",
		sq: "Fusha %s nuk është tekst i vlefshëm UTF-8.",
	},
	"The field %s is %d characters long; at most %d are allowed.": {
		mk: "Полето %s има %d знака; дозволени се најмногу %d.",
		sq: "Fusha %s ka %d karaktere; lejohen më së shumti %d.",
	},
	"%q is not an e-mail address.": {
		mk: "%q не е адреса за е-пошта.",
		sq: "%q nuk është adresë e postës elektronike.",
	},
	"Unknown channel %q; use one of %s.": {
		mk: "Непознат канал %q; користете еден од следниве: %s.",
		sq: "Kanal i panjohur %q; përdorni një nga këta: %s.",
	},
	"The date received is required.": {
		mk: "Датумот на прием е задолжителен.",
		sq: "Data e pranimit është e detyrueshme.",
	},
	"The date received is in the future.": {
		mk: "Датумот на прием е во иднина.",
		sq: "Data e pranimit është në të ardhmen.",
	},
	"The date received is more than a year ago.": {
		mk: "Датумот на прием е пред повеќе од една година.",
		sq: "Data e pranimit është më shumë se një vit më parë.",
	},
	"Unknown language %q; use one of %s.": {
		mk: "Непознат јазик %q; користете еден од следниве: %s.",
		sq: "Gjuhë e panjohur %q; përdorni një nga këto: %s.",
	},

	// Opening and reading cases (workflows.Service).
	"The idempotency key was already used for a different request.": {
		mk: "Клучот за идемпотентност веќе е искористен за друго барање.",
		sq: "Çelësi i idempotencës është përdorur tashmë për një kërkesë tjetër.",
	},
	"No case with ID %q.": {
		mk: "Нема предмет со идентификатор %q.",
		sq: "Nuk ka lëndë me identifikuesin %q.",
	},
	"The workflow engine did not answer in time; retry the request with the same Idempotency-Key.": {
		mk: "Системот за работни текови не одговори навреме; повторете го барањето со истиот Idempotency-Key.",
		sq: "Motori i rrjedhave të punës nuk u përgjigj në kohë; përsëriteni kërkesën me të njëjtin Idempotency-Key.",
	},

	// The HTTP API (package intake): authentication.
	"A token is required: send the header Authorization: Bearer <token>.": {
		mk: "Потребен е токен: испратете го заглавието Authorization: Bearer <токен>.",
		sq: "Kërkohet një token: dërgoni kreun HTTP Authorization: Bearer <token>.",
	},
	"The token is not valid.": {
		mk: "Токенот не е важечки.",
		sq: "Tokeni nuk është i vlefshëm.",
	},
	"Your roles do not allow this; it needs one of the roles %s.": {
		mk: "Вашите улоги не го дозволуваат ова; потребна е една од улогите %s.",
		sq: "Rolet tuaja nuk e lejojnë këtë; nevojitet një nga rolet %s.",
	},

	// The HTTP API: the form of a request.
	"The request body must be JSON (Content-Type: application/json), not %q.": {
		mk: "Телото на барањето мора да биде JSON (Content-Type: application/json), а не %q.",
		sq: "Trupi i kërkesës duhet të jetë JSON (Content-Type: application/json), jo %q.",
	},
	"The request body is empty.": {
		mk: "Телото на барањето е празно.",
		sq: "Trupi i kërkesës është bosh.",
	},
	"The request body must be a JSON object.": {
		mk: "Телото на барањето мора да биде JSON-објект.",
		sq: "Trupi i kërkesës duhet të jetë një objekt JSON.",
	},
	"The request body is not valid JSON at byte %d: %s.": {
		mk: "Телото на барањето не е валиден JSON кај бајтот %d: %s.",
		sq: "Trupi i kërkesës nuk është JSON i vlefshëm te bajti %d: %s.",
	},
	"The request body ends before its JSON object is complete.": {
		mk: "Телото на барањето завршува пред да заврши JSON-објектот.",
		sq: "Trupi i kërkesës mbaron para se të plotësohet objekti JSON.",
	},
	"The field %s has the wrong type: expected a JSON %s, got a JSON %s.": {
		mk: "Полето %s е од погрешен тип: се очекува JSON %s, а добиено е JSON %s.",
		sq: "Fusha %s është e llojit të gabuar: pritej JSON %s, u mor JSON %s.",
	},
	"The field %s is unknown.": {
		mk: "Полето %s е непознато.",
		sq: "Fusha %s është e panjohur.",
	},
	"The field %s must be a date and time in RFC 3339 format, such as 2026-05-19T09:30:00+02:00.": {
		mk: "Полето %s мора да биде датум и време во форматот RFC 3339, на пример 2026-05-19T09:30:00+02:00.",
		sq: "Fusha %s duhet të jetë datë dhe orë në formatin RFC 3339, për shembull 2026-05-19T09:30:00+02:00.",
	},
	"The request body has more data after the JSON object.": {
		mk: "Телото на барањето содржи уште податоци по JSON-објектот.",
		sq: "Trupi i kërkesës përmban të dhëna të tjera pas objektit JSON.",
	},
	"The request body is too large; at most %d bytes are allowed.": {
		mk: "Телото на барањето е преголемо; дозволената големина во бајти е најмногу %d.",
		sq: "Trupi i kërkesës është shumë i madh; madhësia e lejuar në bajt është më së shumti %d.",
	},
	"The request body could not be read.": {
		mk: "Телото на барањето не може да се прочита.",
		sq: "Trupi i kërkesës nuk mund të lexohet.",
	},
	"The header Idempotency-Key may hold only printable ASCII characters, at most %d.": {
		mk: "Заглавието Idempotency-Key смее да содржи само печатливи ASCII-знаци, најмногу %d.",
		sq: "Kreu HTTP Idempotency-Key mund të përmbajë vetëm karaktere ASCII të printueshme, më së shumti %d.",
	},

	// The HTTP API: routes and the service's state.
	"There is nothing at %s.": {
		mk: "На %s нема ништо.",
		sq: "Në %s nuk ka asgjë.",
	},
	"The method %s is not allowed here; allowed: %s.": {
		mk: "Методот %s не е дозволен овде; дозволени се: %s.",
		sq: "Metoda %s nuk lejohet këtu; lejohen: %s.",
	},
	"The service is not ready yet.": {
		mk: "Услугата сè уште не е подготвена.",
		sq: "Shërbimi nuk është ende gati.",
	},

	// General messages, one for each error code, for errors whose own message has no translation.
	"The request conflicts with the current state.": {
		mk: "Барањето е во судир со моменталната состојба.",
		sq: "Kërkesa bie në kundërshtim me gjendjen aktuale.",
	},
	"The request is not valid.": {
		mk: "Барањето не е валидно.",
		sq: "Kërkesa nuk është e vlefshme.",
	},
	"What you asked for was not found.": {
		mk: "Бараното не е пронајдено.",
		sq: "Ajo që kërkuat nuk u gjet.",
	},
	"Authentication is required.": {
		mk: "Потребна е најава.",
		sq: "Kërkohet identifikimi.",
	},
	"You are not allowed to do this.": {
		mk: "Немате дозвола за ова.",
		sq: "Nuk keni leje për këtë.",
	},
	"The request is too large.": {
		mk: "Барањето е преголемо.",
		sq: "Kërkesa është shumë e madhe.",
	},
	"The service is temporarily unavailable; try again shortly.": {
		mk: "Услугата е привремено недостапна; обидете се повторно наскоро.",
		sq: "Shërbimi është përkohësisht i padisponueshëm; provoni përsëri pas pak.",
	},
	"An internal error occurred.": {
		mk: "Настана внатрешна грешка.",
		sq: "Ndodhi një gabim i brendshëm.",
	},
}
