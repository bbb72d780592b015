package domain_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

func TestInboxSectors(t *testing.T) {
	head := domain.Actor{UserID: "vesna", Roles: []domain.Role{domain.RoleSectorHead}, Sector: "urbanism"}
	officer := domain.Actor{UserID: "ana", Roles: []domain.Role{domain.RoleOfficer}}
	for _, tt := range []struct {
		name  string
		actor domain.Actor
		asked []string
		want  []string
		code  string
	}{
		{"OK_OfficerEverySector", officer, nil, nil, ""},
		{"OK_OfficerAsksForSectors", officer, []string{"finance", "urbanism"}, []string{"finance", "urbanism"}, ""},
		{"OK_HeadWhoIsAlsoOfficer", domain.Actor{Roles: []domain.Role{domain.RoleSectorHead, domain.RoleOfficer}, Sector: "urbanism"},
			[]string{"finance"}, []string{"finance"}, ""},
		{"OK_HeadOwnSectorUnasked", head, nil, []string{"urbanism"}, ""},
		{"OK_HeadOwnSectorAsked", head, []string{"urbanism", "urbanism"}, []string{"urbanism"}, ""},
		{"ErrHeadOtherSector", head, []string{"urbanism", "finance"}, nil, domain.EFORBIDDEN},
		{"ErrHeadWithoutSector", domain.Actor{Roles: []domain.Role{domain.RoleSectorHead}}, nil, nil, domain.EFORBIDDEN},
		{"ErrNoRole", domain.Actor{UserID: "nobody", Sector: "urbanism"}, nil, nil, domain.EFORBIDDEN},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.InboxSectors(tt.actor, tt.asked)
			if domain.ErrorCode(err) != tt.code {
				t.Fatalf("InboxSectors = %v, %v; want code %q", got, err, tt.code)
			}
			if err != nil {
				mustBeTranslated(t, err)
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("InboxSectors = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("OtherSectorNamed", func(t *testing.T) {
		_, err := domain.InboxSectors(head, []string{"finance"})
		if want := `As head of the sector "urbanism" you see only its requests, not those of "finance".`; domain.ErrorMessage(err) != want {
			t.Errorf("message = %q, want %q", domain.ErrorMessage(err), want)
		}
	})
}

func TestRequireRole(t *testing.T) {
	a := domain.Actor{Roles: []domain.Role{domain.RoleOfficer}}
	if err := a.RequireRole(domain.RoleIntake, domain.RoleOfficer); err != nil {
		t.Errorf("RequireRole = %v", err)
	}
	err := a.RequireRole(domain.BriefingRoles...)
	if domain.ErrorCode(err) != domain.EFORBIDDEN || domain.ErrorMessage(err) != "Your roles do not allow this; it needs one of the roles supervisor, admin." {
		t.Errorf("RequireRole = %v", err)
	}
}

// mustBeTranslated fails the test unless err is a domain error whose message the catalogue translates.
func mustBeTranslated(tb testing.TB, err error) {
	tb.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		tb.Fatalf("%v is not a domain error", err)
	}
	if !i18n.Has(de.Format) {
		tb.Errorf("the message %q has no translation", de.Format)
	}
}
