package notify_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/predmet/predmet/domain"
)

func BenchmarkLoadTemplates(b *testing.B) {
	for b.Loop() {
		MustTemplates(b, "")
	}
}

func BenchmarkCompose(b *testing.B) {
	c := MustComposer(b)
	for b.Loop() {
		_, m := sampleMail(b, c, domain.NotifyBriefing, domain.Macedonian)
		if _, err := m.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSend(b *testing.B) {
	for _, mode := range []string{"", "starttls"} {
		name := mode
		if name == "" {
			name = "plain"
		}
		b.Run(name, func(b *testing.B) {
			srv := MustStartServer(b, ServerOptions{TLS: mode})
			s := MustSender(b, srv.Config())
			_, m := sampleMail(b, MustComposer(b), domain.NotifyAcknowledgement, domain.Macedonian)
			for b.Loop() {
				if err := s.Send(context.Background(), m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("outbox", func(b *testing.B) {
		o, _ := MustOpenOutbox(b, "")
		c := MustComposer(b)
		msg, _ := sampleMail(b, c, domain.NotifyAcknowledgement, domain.Macedonian)
		i := 0
		for b.Loop() {
			i++
			msg.NotificationID = domain.DeterministicID("bench", strconv.Itoa(i))
			m, err := c.Compose(msg)
			if err != nil {
				b.Fatal(err)
			}
			if err := o.Send(context.Background(), m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
