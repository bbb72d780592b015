package domain_test

import (
	"testing"
	"time"

	"github.com/predmet/predmet/domain"
)

func TestReceiptTime(t *testing.T) {
	skopje, err := time.LoadLocation("Europe/Skopje")
	if err != nil {
		t.Fatal(err)
	}
	// 4 December 2026, 00:30 in Skopje, is still 3 December in UTC.
	now := time.Date(2026, time.December, 3, 23, 30, 15, 999, time.UTC)
	for _, tc := range []struct {
		name string
		day  domain.Date
		want time.Time
	}{
		{"OK_TodayIsNow", domain.Date{Year: 2026, Month: time.December, Day: 4}, time.Date(2026, time.December, 4, 0, 30, 15, 0, skopje)},
		{"OK_YesterdayFromItsStart", domain.Date{Year: 2026, Month: time.December, Day: 3}, time.Date(2026, time.December, 3, 0, 0, 0, 0, skopje)},
		{"OK_SummerDayFromItsStart", domain.Date{Year: 2026, Month: time.July, Day: 1}, time.Date(2026, time.June, 30, 22, 0, 0, 0, time.UTC)},
		{"OK_TomorrowFromItsStart", domain.Date{Year: 2026, Month: time.December, Day: 5}, time.Date(2026, time.December, 4, 23, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := domain.ReceiptTime(tc.day, now, skopje); !got.Equal(tc.want) {
				t.Errorf("ReceiptTime(%s) = %s, want %s", tc.day, got, tc.want)
			}
		})
	}
}
