package i18n

// The messages of e-mail (package notify): a message that cannot be written, and the outbox.
func init() {
	extend(map[string]translation{
		"The message's Message-ID is not valid.": {
			mk: "Ознаката Message-ID на пораката не е валидна.",
			sq: "Identifikuesi Message-ID i mesazhit nuk është i vlefshëm.",
		},
		"The message has no date.": {
			mk: "Пораката нема датум.",
			sq: "Mesazhi nuk ka datë.",
		},
		"The message has no sender.": {
			mk: "Пораката нема испраќач.",
			sq: "Mesazhi nuk ka dërgues.",
		},
		"The message has no recipient.": {
			mk: "Пораката нема примач.",
			sq: "Mesazhi nuk ka marrës.",
		},
		"The message has no text.": {
			mk: "Пораката нема текст.",
			sq: "Mesazhi nuk ka tekst.",
		},
		"An address in %s is not a valid e-mail address.": {
			mk: "Една адреса во %s не е валидна адреса за е-пошта.",
			sq: "Një adresë në %s nuk është adresë e vlefshme e postës elektronike.",
		},
		"The field %s must be one line of text.": {
			mk: "Полето %s мора да биде еден ред текст.",
			sq: "Fusha %s duhet të jetë një rresht teksti.",
		},
		"The field %s must be a single word.": {
			mk: "Полето %s мора да биде еден збор.",
			sq: "Fusha %s duhet të jetë një fjalë e vetme.",
		},
		"The header name %q is not valid.": {
			mk: "Името на заглавието %q не е валидно.",
			sq: "Emri i kokës %q nuk është i vlefshëm.",
		},
		"The header %s is set from the message itself.": {
			mk: "Заглавието %s се пополнува од самата порака.",
			sq: "Koka %s plotësohet nga vetë mesazhi.",
		},
		"No message with Message-ID %s in the outbox.": {
			mk: "Во излезната пошта нема порака со Message-ID %s.",
			sq: "Në postën dalëse nuk ka mesazh me Message-ID %s.",
		},
	})
}
