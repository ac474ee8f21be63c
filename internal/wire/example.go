package wire

import "time"

// The sandbox's examples, which the playground's presets use too.
const (
	// ExampleRoom and ExampleService are where the examples book: the
	// sandbox's main dining room, at dinner.
	ExampleRoom    = 23288
	ExampleService = 33841
)

// ExampleDay is the day the examples book for: the first Friday at least
// three days after now (UTC), as YYYY-MM-DD. Both services open on
// Fridays, three days is within every advance, and the fixtures leave its
// dinner free for a table of four.
func ExampleDay(now time.Time) string {
	day := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 3)
	for day.Weekday() != time.Friday {
		day = day.AddDate(0, 0, 1)
	}
	return day.Format(time.DateOnly)
}
