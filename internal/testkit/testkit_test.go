package testkit_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"octoplay/internal/testkit"
)

// recorder is a testing.TB that records how a test would have ended.
type recorder struct {
	testing.TB
	failed, skipped bool
	msg             string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
}
func (r *recorder) Skipf(format string, args ...any) {
	r.skipped, r.msg = true, fmt.Sprintf(format, args...)
}

func TestNeedFailsInCIAndSkipsElsewhere(t *testing.T) {
	missing := errors.New("not found")
	for _, tt := range []struct {
		name          string
		ci            string
		err           error
		failed, skips bool
	}{
		{name: "present, in CI", ci: "true", err: nil},
		{name: "present, elsewhere", ci: "", err: nil},
		{name: "missing, in CI", ci: "true", err: missing, failed: true},
		{name: "missing, elsewhere", ci: "", err: missing, skips: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			r := &recorder{TB: t}
			testkit.Need(r, "curl", tt.err, "apt-get install curl")
			assert.Equal(t, tt.failed, r.failed, "failed")
			assert.Equal(t, tt.skips, r.skipped, "skipped")
			if tt.err != nil {
				assert.Contains(t, r.msg, "curl is missing")
				assert.Contains(t, r.msg, "apt-get install curl", "says how to get it")
			}
		})
	}
}

func TestNeedCommandAndFile(t *testing.T) {
	t.Setenv("CI", "true")
	self, err := os.Executable()
	assert.NoError(t, err)
	r := &recorder{TB: t}
	assert.Equal(t, self, testkit.NeedFile(r, self, "it runs"))
	assert.False(t, r.failed)
	testkit.NeedFile(r, self+".absent", "nowhere")
	assert.True(t, r.failed, "a missing file")

	r = &recorder{TB: t}
	if _, err := exec.LookPath("go"); err == nil {
		assert.NotEmpty(t, testkit.NeedCommand(r, "go", "the toolchain"))
		assert.False(t, r.failed)
	}
	testkit.NeedCommand(r, "octoplay-no-such-command", "nowhere")
	assert.True(t, r.failed, "a missing command")
}

func TestClockMovesOnlyWhenTold(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c := testkit.NewClock(start)
	assert.Equal(t, start, c.Now())
	assert.Equal(t, start, c.Now(), "standing still")
	c.Advance(90 * time.Second)
	assert.Equal(t, start.Add(90*time.Second), c.Now())
}

// Eventually says whether the condition came to hold: at once, after a
// few asks, or never within the limit.
func TestEventually(t *testing.T) {
	assert.True(t, testkit.Eventually(time.Second, func() bool { return true }))
	asks := 0
	assert.True(t, testkit.Eventually(time.Minute, func() bool { asks++; return asks == 3 }))
	assert.Equal(t, 3, asks)
	assert.False(t, testkit.Eventually(20*time.Millisecond, func() bool { return false }))
}
