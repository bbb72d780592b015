package i18n

import "github.com/predmet/predmet/domain"

// catalog holds every message predmet shows to people, keyed by its English format string, and the
// words and names those messages take as arguments (see TranslateMessage). Each translation keeps the
// English format's verbs in the same order (see TestCatalog).
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

	// Opening and reading cases (services.Cases).
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

	// Staff actions on cases (domain.Policy.Decide).
	"Unknown action %q.": {
		mk: "Непознато дејство %q.",
		sq: "Veprim i panjohur %q.",
	},
	"Your role does not allow the action %q; it needs one of: %s.": {
		mk: "Вашата улога не го дозволува дејството %q; потребна е една од улогите: %s.",
		sq: "Roli juaj nuk e lejon veprimin %q; nevojitet një nga rolet: %s.",
	},
	"The case is %s; no further actions are possible.": {
		mk: "Предметот е во состојба %s; не се можни понатамошни дејства.",
		sq: "Lënda është në gjendjen %s; nuk janë të mundshme veprime të mëtejshme.",
	},
	"The case is not registered yet; try again in a moment.": {
		mk: "Предметот сè уште не е заведен; обидете се повторно за момент.",
		sq: "Lënda ende nuk është regjistruar; provoni përsëri pas pak.",
	},
	"The action %q is not possible while the case is %s.": {
		mk: "Дејството %q не е можно додека предметот е во состојба %s.",
		sq: "Veprimi %q nuk është i mundur ndërsa lënda është në gjendjen %s.",
	},
	"The action %q does not apply to a case of kind %s.": {
		mk: "Дејството %q не се однесува на предмет од видот %s.",
		sq: "Veprimi %q nuk zbatohet për lëndë të llojit %s.",
	},
	"The case is already assigned to %s in sector %q.": {
		mk: "Предметот веќе е доделен на %s во секторот %q.",
		sq: "Lënda i është caktuar tashmë %s në sektorin %q.",
	},
	"A yearly report is completed with the action %q.": {
		mk: "Годишниот извештај се доставува со дејството %q.",
		sq: "Raporti vjetor dorëzohet me veprimin %q.",
	},
	"The request %s is for sector %q; you answer for sector %q.": {
		mk: "Барањето %s е за секторот %q; вие одговарате за секторот %q.",
		sq: "Kërkesa %s është për sektorin %q; ju përgjigjeni për sektorin %q.",
	},
	"The request %s is already with sector %q.": {
		mk: "Барањето %s веќе е кај секторот %q.",
		sq: "Kërkesa %s është tashmë te sektori %q.",
	},
	"A yearly report stays with the department.": {
		mk: "Годишниот извештај останува кај одделението.",
		sq: "Raporti vjetor mbetet te njësia.",
	},
	"The case is waiting for input: %s.": {
		mk: "Предметот чека одговор на барањата: %s.",
		sq: "Lënda pret përgjigje për kërkesat: %s.",
	},
	"The draft must be approved before it goes out.": {
		mk: "Нацртот мора да биде одобрен пред да се испрати.",
		sq: "Drafti duhet të miratohet para se të dërgohet.",
	},
	"Only an answered case can be closed; the case is %s.": {
		mk: "Може да се затвори само предмет на кој е одговорено; предметот е во состојба %s.",
		sq: "Mund të mbyllet vetëm një lëndë që ka marrë përgjigje; lënda është në gjendjen %s.",
	},
	"%q is not a case ID.": {
		mk: "%q не е идентификатор на предмет.",
		sq: "%q nuk është identifikues lënde.",
	},
	"A case cannot be merged into itself.": {
		mk: "Предметот не може да се спои сам со себе.",
		sq: "Lënda nuk mund të bashkohet me veten.",
	},
	"The deadline of a case of kind %s cannot be extended.": {
		mk: "Рокот на предмет од видот %s не може да се продолжи.",
		sq: "Afati i një lënde të llojit %s nuk mund të zgjatet.",
	},
	"The extension %q is not a valid clock.": {
		mk: "Продолжувањето %q не е валиден временски рок.",
		sq: "Zgjatja %q nuk është afat kohor i vlefshëm.",
	},
	"The extension must be counted in %s, like the case's clock.": {
		mk: "Продолжувањето мора да се смета во %s, како и рокот на предметот.",
		sq: "Zgjatja duhet të llogaritet në %s, si afati i lëndës.",
	},
	"Extensions may add at most %s in total; this one would make %d.": {
		mk: "Продолжувањата можат вкупно да додадат најмногу %s; со ова би биле %d.",
		sq: "Zgjatjet mund të shtojnë gjithsej më së shumti %s; me këtë do të bëheshin %d.",
	},
	"The case's clock is not suspended by staff.": {
		mk: "Рокот на предметот не е запрен од вработените.",
		sq: "Afati i lëndës nuk është pezulluar nga stafi.",
	},
	"The case's clock is already suspended.": {
		mk: "Рокот на предметот веќе е запрен.",
		sq: "Afati i lëndës është pezulluar tashmë.",
	},
	"No yearly report for %d is open.": {
		mk: "Нема отворен годишен извештај за %d.",
		sq: "Nuk ka raport vjetor të hapur për %d.",
	},
	"The kind of a programme item is %q or %q, not %q.": {
		mk: "Видот на ставка од програма е %q или %q, а не %q.",
		sq: "Lloji i një elementi të programit është %q ose %q, jo %q.",
	},
	"A programme's work is asked for with the action %q.": {
		mk: "Работата на програмата се бара со дејството %q.",
		sq: "Puna e programit kërkohet me veprimin %q.",
	},
	"The case has no request %q.": {
		mk: "Предметот нема барање %q.",
		sq: "Lënda nuk ka kërkesë %q.",
	},
	"The request %s is already %s.": {
		mk: "Барањето %s веќе е во состојба %s.",
		sq: "Kërkesa %s është tashmë në gjendjen %s.",
	},
	"Give either due or dueIn, not both.": {
		mk: "Наведете или due или dueIn, а не двете.",
		sq: "Jepni ose due ose dueIn, jo të dyja.",
	},
	"The due time %q is not a valid clock.": {
		mk: "Рокот %q не е валиден временски рок.",
		sq: "Afati %q nuk është afat kohor i vlefshëm.",
	},
	"The due date %s has passed.": {
		mk: "Датумот на рокот %s веќе помина.",
		sq: "Data e afatit %s ka kaluar.",
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
	"The field %s must be a day such as 2026-05-19 (in Europe/Skopje), or a date and time in RFC 3339 format such as 2026-05-19T09:30:00+02:00.": {
		mk: "Полето %s мора да биде ден, на пример 2026-05-19 (според времето во Скопје), или датум и време во форматот RFC 3339, на пример 2026-05-19T09:30:00+02:00.",
		sq: "Fusha %s duhet të jetë një ditë, për shembull 2026-05-19 (sipas orës së Shkupit), ose datë dhe orë në formatin RFC 3339, për shembull 2026-05-19T09:30:00+02:00.",
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

	// The HTTP API (package intake): actions, deadlines, global clocks and kinds.
	"The field %s must be a date in the form YYYY-MM-DD, such as 2026-05-19.": {
		mk: "Полето %s мора да биде датум во обликот YYYY-MM-DD (година-месец-ден), на пример 2026-05-19.",
		sq: "Fusha %s duhet të jetë datë në formën YYYY-MM-DD (viti-muaji-dita), për shembull 2026-05-19.",
	},
	"The field %s must be a length of time such as 5wd (working days), 3d (calendar days), 4h (hours) or 30m (minutes).": {
		mk: "Полето %s мора да биде временски рок, на пример 5wd (работни денови), 3d (календарски денови), 4h (часови) или 30m (минути).",
		sq: "Fusha %s duhet të jetë një afat kohor, për shembull 5wd (ditë pune), 3d (ditë kalendarike), 4h (orë) ose 30m (minuta).",
	},
	"The case has no deadline: it is not registered yet.": {
		mk: "Предметот нема рок: сè уште не е заведен.",
		sq: "Lënda nuk ka afat: ende nuk është regjistruar.",
	},
	"The case has no deadline: cases of kind %s run no clock.": {
		mk: "Предметот нема рок: за предметите од видот %s не тече рок.",
		sq: "Lënda nuk ka afat: për lëndët e llojit %s nuk rrjedh asnjë afat.",
	},

	// How a deadline was computed (domain.Deadline.Explanation), one sentence each. The first %s of
	// most is a length of time, then dates (YYYY-MM-DD) or instants, weekdays and notes in parentheses.
	"Invalid clock %q: due at the start, %s.": {
		mk: "Неважечки рок %q: истекува на самиот почеток, %s.",
		sq: "Afat i pavlefshëm %q: skadon që në fillim, %s.",
	},
	"%s from %s end at %s; hours and minutes run on weekends and holidays too.": {
		mk: "Рокот од %s, сметано од %s, истекува на %s; часовите и минутите течат и за време на викенди и празници.",
		sq: "Duke llogaritur %s nga %s, afati skadon më %s; orët dhe minutat rrjedhin edhe gjatë fundjavave dhe festave.",
	},
	"%s from %s end on %s, a %s.": {
		mk: "Рокот од %s, сметано од %s, истекува на %s, %s.",
		sq: "Duke llogaritur %s nga %s, afati skadon më %s, %s.",
	},
	"%s from %s end on %s, a %s; moved to the next working day %s.": {
		mk: "Рокот од %s, сметано од %s, истекува на %s, %s; се поместува на следниот работен ден, %s.",
		sq: "Duke llogaritur %s nga %s, afati skadon më %s, %s; zhvendoset në ditën e ardhshme të punës, %s.",
	},
	"%s from %s end on %s, a %s; moved to the next working day %s, passing over %s.": {
		mk: "Рокот од %s, сметано од %s, истекува на %s, %s; се поместува на следниот работен ден, %s; прескокнати неработни денови: %s.",
		sq: "Duke llogaritur %s nga %s, afati skadon më %s, %s; zhvendoset në ditën e ardhshme të punës, %s; ditët jopune të kapërcyera: %s.",
	},
	"%s from %s end on %s, a %s (%s); moved to the next working day %s.": {
		mk: "Рокот од %s, сметано од %s, истекува на %s, %s (%s); се поместува на следниот работен ден, %s.",
		sq: "Duke llogaritur %s nga %s, afati skadon më %s, %s (%s); zhvendoset në ditën e ardhshme të punës, %s.",
	},
	"%s from %s end on %s, a %s (%s); moved to the next working day %s, passing over %s.": {
		mk: "Рокот од %s, сметано од %s, истекува на %s, %s (%s); се поместува на следниот работен ден, %s; прескокнати неработни денови: %s.",
		sq: "Duke llogaritur %s nga %s, afati skadon më %s, %s (%s); zhvendoset në ditën e ardhshme të punës, %s; ditët jopune të kapërcyera: %s.",
	},
	"%s from %s end on %s, a %s; not counted: %s.": {
		mk: "Рокот од %s, сметано од %s, истекува на %s, %s; неработни денови што не се сметаат: %s.",
		sq: "Duke llogaritur %s nga %s, afati skadon më %s, %s; ditët jopune që nuk llogariten: %s.",
	},
	"%s from %s.": {
		mk: "Рок: %s, сметано од %s.",
		sq: "Afati: %s, duke llogaritur nga %s.",
	},
	"Due by %s on %s.": {
		mk: "Рокот трае до %s на %s.",
		sq: "Afati zgjat deri në orën %s më %s.",
	},
	"Due at %s.": {
		mk: "Рокот истекува на %s.",
		sq: "Afati skadon më %s.",
	},
	"Not counted: %s.": {
		mk: "Неработни денови што не се сметаат: %s.",
		sq: "Ditët jopune që nuk llogariten: %s.",
	},
	"Passed over: %s.": {
		mk: "Прескокнати неработни денови: %s.",
		sq: "Ditët jopune të kapërcyera: %s.",
	},
	"The clock is suspended; %s is left.": {
		mk: "Рокот е запрен; преостанато време: %s.",
		sq: "Afati është i pezulluar; koha e mbetur: %s.",
	},
	"The clock is suspended; %s are left.": {
		mk: "Рокот е запрен; преостанато време: %s.",
		sq: "Afati është i pezulluar; koha e mbetur: %s.",
	},
	"Extended by %s on %s while the clock was stopped: %s left.": {
		mk: "Рокот е продолжен за %s на %s, додека беше запрен; преостанато време: %s.",
		sq: "Afati u zgjat me %s më %s, ndërsa ishte i pezulluar; koha e mbetur: %s.",
	},
	"Extended by %s on %s %s while the clock was stopped: %s left.": {
		mk: "Рокот е продолжен за %s на %s %s, додека беше запрен; преостанато време: %s.",
		sq: "Afati u zgjat me %s më %s %s, ndërsa ishte i pezulluar; koha e mbetur: %s.",
	},
	"Extended by %s on %s: due %s.": {
		mk: "Рокот е продолжен за %s на %s: нов рок %s.",
		sq: "Afati u zgjat me %s më %s: afati i ri %s.",
	},
	"Extended by %s on %s %s: due %s.": {
		mk: "Рокот е продолжен за %s на %s %s: нов рок %s.",
		sq: "Afati u zgjat me %s më %s %s: afati i ri %s.",
	},
	"Extended by %s on %s: due %s, moved to the next working day %s.": {
		mk: "Рокот е продолжен за %s на %s: нов рок %s, поместен на следниот работен ден, %s.",
		sq: "Afati u zgjat me %s më %s: afati i ri %s, i zhvendosur në ditën e ardhshme të punës, %s.",
	},
	"Extended by %s on %s %s: due %s, moved to the next working day %s.": {
		mk: "Рокот е продолжен за %s на %s %s: нов рок %s, поместен на следниот работен ден, %s.",
		sq: "Afati u zgjat me %s më %s %s: afati i ri %s, i zhvendosur në ditën e ardhshme të punës, %s.",
	},
	"Suspended on %s; the clock was already stopped.": {
		mk: "Рокот е запрен на %s; веќе беше запрен.",
		sq: "Afati u pezullua më %s; ishte tashmë i pezulluar.",
	},
	"Suspended on %s %s; the clock was already stopped.": {
		mk: "Рокот е запрен на %s %s; веќе беше запрен.",
		sq: "Afati u pezullua më %s %s; ishte tashmë i pezulluar.",
	},
	"Suspended on %s after the deadline had passed.": {
		mk: "Рокот е запрен на %s, откако веќе истекол.",
		sq: "Afati u pezullua më %s, pasi kishte skaduar tashmë.",
	},
	"Suspended on %s %s after the deadline had passed.": {
		mk: "Рокот е запрен на %s %s, откако веќе истекол.",
		sq: "Afati u pezullua më %s %s, pasi kishte skaduar tashmë.",
	},
	"Suspended on %s with %s left.": {
		mk: "Рокот е запрен на %s; преостанато време: %s.",
		sq: "Afati u pezullua më %s; koha e mbetur: %s.",
	},
	"Suspended on %s %s with %s left.": {
		mk: "Рокот е запрен на %s %s; преостанато време: %s.",
		sq: "Afati u pezullua më %s %s; koha e mbetur: %s.",
	},
	"Suspended on %s.": {
		mk: "Рокот е запрен на %s.",
		sq: "Afati u pezullua më %s.",
	},
	"Suspended on %s %s.": {
		mk: "Рокот е запрен на %s %s.",
		sq: "Afati u pezullua më %s %s.",
	},
	"Resumed on %s, which had not stopped the clock: no change.": {
		mk: "Запирањето е укинато на %s, но рокот не беше запрен по тој основ: нема промена.",
		sq: "Pezullimi u hoq më %s, por afati nuk ishte pezulluar mbi këtë bazë: asnjë ndryshim.",
	},
	"Resumed on %s %s, which had not stopped the clock: no change.": {
		mk: "Запирањето е укинато на %s %s, но рокот не беше запрен по тој основ: нема промена.",
		sq: "Pezullimi u hoq më %s %s, por afati nuk ishte pezulluar mbi këtë bazë: asnjë ndryshim.",
	},
	"Resumed on %s; still stopped (%s).": {
		mk: "Запирањето е укинато на %s; рокот сепак останува запрен (%s).",
		sq: "Pezullimi u hoq më %s; megjithatë afati mbetet i pezulluar (%s).",
	},
	"Resumed on %s %s; still stopped (%s).": {
		mk: "Запирањето е укинато на %s %s; рокот сепак останува запрен (%s).",
		sq: "Pezullimi u hoq më %s %s; megjithatë afati mbetet i pezulluar (%s).",
	},
	"Resumed on %s: due %s.": {
		mk: "Запирањето е укинато на %s: нов рок %s.",
		sq: "Pezullimi u hoq më %s: afati i ri %s.",
	},
	"Resumed on %s %s: due %s.": {
		mk: "Запирањето е укинато на %s %s: нов рок %s.",
		sq: "Pezullimi u hoq më %s %s: afati i ri %s.",
	},
	"Resumed on %s: due %s, moved to the next working day %s.": {
		mk: "Запирањето е укинато на %s: нов рок %s, поместен на следниот работен ден, %s.",
		sq: "Pezullimi u hoq më %s: afati i ri %s, i zhvendosur në ditën e ardhshme të punës, %s.",
	},
	"Resumed on %s %s: due %s, moved to the next working day %s.": {
		mk: "Запирањето е укинато на %s %s: нов рок %s, поместен на следниот работен ден, %s.",
		sq: "Pezullimi u hoq më %s %s: afati i ri %s, i zhvendosur në ditën e ardhshme të punës, %s.",
	},
	"Unknown change %q on %s.": {
		mk: "Непозната промена %q на %s.",
		sq: "Ndryshim i panjohur %q më %s.",
	},

	// Words in those sentences: lists, who stopped a clock (domain.ClockSource.Label), weekdays.
	"%s and %s": {
		mk: "%s и %s",
		sq: "%s dhe %s",
	},
	"by staff": {
		mk: "од вработените",
		sq: "nga stafi",
	},
	"clarification": {
		mk: "појаснување",
		sq: "sqarim",
	},
	"all clocks": {
		mk: "сите рокови",
		sq: "të gjitha afatet",
	},
	"Monday": {
		mk: "понеделник",
		sq: "e hënë",
	},
	"Tuesday": {
		mk: "вторник",
		sq: "e martë",
	},
	"Wednesday": {
		mk: "среда",
		sq: "e mërkurë",
	},
	"Thursday": {
		mk: "четврток",
		sq: "e enjte",
	},
	"Friday": {
		mk: "петок",
		sq: "e premte",
	},
	"Saturday": {
		mk: "сабота",
		sq: "e shtunë",
	},
	"Sunday": {
		mk: "недела",
		sq: "e diel",
	},

	// The state holidays (domain.Calendar), and the day that replaces one falling on a Sunday. One-off
	// days keep the name they were published with.
	"New Year": {
		mk: "Нова година",
		sq: "Viti i Ri",
	},
	"Orthodox Christmas": {
		mk: "Божиќ (православен)",
		sq: "Krishtlindjet ortodokse",
	},
	"Orthodox Easter Monday": {
		mk: "Втор ден Велигден (православен)",
		sq: "E hëna e Pashkëve ortodokse",
	},
	"Labour Day": {
		mk: "Ден на трудот",
		sq: "Dita e Punës",
	},
	"Saints Cyril and Methodius": {
		mk: "Св. Кирил и Методиј",
		sq: "Shën Kirili dhe Metodi",
	},
	"Ilinden": {
		mk: "Илинден",
		sq: "Dita e Ilindenit",
	},
	"Independence Day": {
		mk: "Ден на независноста",
		sq: "Dita e Pavarësisë",
	},
	"Day of the People's Uprising": {
		mk: "Ден на народното востание",
		sq: "Dita e Kryengritjes Popullore",
	},
	"Day of the Macedonian Revolutionary Struggle": {
		mk: "Ден на македонската револуционерна борба",
		sq: "Dita e Luftës Revolucionare Maqedonase",
	},
	"Saint Clement of Ohrid": {
		mk: "Св. Климент Охридски",
		sq: "Shën Klementi i Ohrit",
	},
	"%s (moved from Sunday)": {
		mk: "%s (наместо во недела)",
		sq: "%s (në vend të së dielës)",
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

// units are the words for counts of time, keyed by domain.ClockUnit: the form after one and the form
// after other numbers, in Macedonian and Albanian (see count).
var units = map[string]struct{ mk, sq [2]string }{
	string(domain.CalendarDays): {mk: [2]string{"календарски ден", "календарски дена"}, sq: [2]string{"ditë kalendarike", "ditë kalendarike"}},
	string(domain.WorkingDays):  {mk: [2]string{"работен ден", "работни дена"}, sq: [2]string{"ditë pune", "ditë pune"}},
	string(domain.Hours):        {mk: [2]string{"час", "часа"}, sq: [2]string{"orë", "orë"}},
	string(domain.Minutes):      {mk: [2]string{"минута", "минути"}, sq: [2]string{"minutë", "minuta"}},
	string(domain.Seconds):      {mk: [2]string{"секунда", "секунди"}, sq: [2]string{"sekondë", "sekonda"}},
}

// extend adds the messages of one part of predmet, kept in its own file, to the catalog. A message
// already in the catalog is a programming error.
func extend(part map[string]translation) {
	for k, v := range part {
		if _, dup := catalog[k]; dup {
			panic("i18n: message in the catalog twice: " + k)
		}
		catalog[k] = v
	}
}
