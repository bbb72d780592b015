package keystore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/keystore"
)

// BenchmarkSealReceipt measures what sealing adds to an intake: the submitter's pseudonym, a new key
// for the case (written and synced in the key store file), and the receipt's personal fields sealed
// with it. Run it with `go test -run '^$' -bench . ./keystore/`.
func BenchmarkSealReceipt(b *testing.B) {
	ks, err := keystore.OpenFile(filepath.Join(b.TempDir(), "keys.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer ks.Close()
	codec := &domain.Codec{Keys: ks}
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		id := fmt.Sprintf("case-%d", i)
		person, err := domain.PersonOf(ctx, ks, id, domain.Submitter{Email: fmt.Sprintf("p%d@example.mk", i)})
		if err != nil {
			b.Fatal(err)
		}
		data, err := domain.EncodeEvents(domain.CaseStream(id), 0, domain.Metadata{}, &domain.CaseReceived{CaseID: id, Kind: domain.KindPetition,
			Subject: "Улично осветлување", Text: "Не работи уличното осветлување во ул. Илинденска, веќе две недели.", Person: person,
			Submitter: domain.Submitter{Name: "Марија Петровска", Email: fmt.Sprintf("p%d@example.mk", i), Address: "ул. Илинденска 5"}})
		if err != nil {
			b.Fatal(err)
		}
		if err := codec.Seal(ctx, id, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenReceipt measures opening a sealed receipt whose key is in memory: what a read of a case
// adds.
func BenchmarkOpenReceipt(b *testing.B) {
	ks, err := keystore.OpenFile(filepath.Join(b.TempDir(), "keys.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer ks.Close()
	codec := &domain.Codec{Keys: ks}
	ctx := context.Background()
	data, err := domain.EncodeEvents("case-1", 0, domain.Metadata{}, &domain.CaseReceived{CaseID: "1", Kind: domain.KindPetition,
		Subject: "Улично осветлување", Text: "Не работи уличното осветлување.", Submitter: domain.Submitter{Name: "Марија Петровска"}})
	if err != nil {
		b.Fatal(err)
	}
	if err := codec.Seal(ctx, "1", data); err != nil {
		b.Fatal(err)
	}
	r := domain.RecordedEvent{Type: data[0].Type, Data: data[0].Data}
	for b.Loop() {
		if _, state, err := codec.Open(ctx, r); err != nil || state != domain.Opened {
			b.Fatal(state, err)
		}
	}
}
