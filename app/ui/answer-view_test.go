package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
)

// An answer's body comes with its kind and size, a switch to the raw JSON,
// Copy and Download; a long one shows its first lines and a button for the
// rest.
func TestAnswerViewHasToolsAndCollapsesLongBodies(t *testing.T) {
	lines := make([]string, 60)
	for i := range lines {
		lines[i] = fmt.Sprintf(`  "line-%d": %d,`, i, i)
	}
	long := shownAnswer{Status: 200, Body: "{\n" + strings.Join(lines, "\n") + "\n}", Raw: `{"compact":true}`, JSON: true, Size: 2345}
	page := render(t, &answerView{Step: Step2, Answer: long})
	assert.Equal(t, "JSON, 2.3 KiB", page.byID(t, Step2.AnswerSize()).textContent())
	raw := page.byID(t, Step2.AnswerRaw())
	assert.Equal(t, "false", raw.attrs["aria-pressed"])
	assert.Equal(t, Step2.AnswerBody(), raw.attrs["aria-controls"])
	assert.Equal(t, "Copy body", page.byID(t, Step2.AnswerCopy()).textContent())
	assert.Equal(t, "Download body", page.byID(t, Step2.AnswerDownload()).textContent())
	shown := page.byLabel(t, "Answer body").textContent()
	assert.Contains(t, shown, `"line-38": 38`)
	assert.NotContains(t, shown, `"line-39"`, "40 lines, then the rest on request")
	expand := page.byID(t, Step2.AnswerExpand())
	assert.Equal(t, "Show all 62 lines", expand.textContent())
	assert.Equal(t, "false", expand.attrs["aria-expanded"])

	open := &answerView{Step: Step2, Answer: long, expanded: true, raw: true}
	page = render(t, open)
	assert.Equal(t, `{"compact":true}`, page.byLabel(t, "Answer body").textContent(), "the raw body, whole")
	assert.Equal(t, "true", page.byID(t, Step2.AnswerRaw()).attrs["aria-pressed"])
	assert.False(t, page.hasID(Step2.AnswerExpand()), "a short raw body needs no button")

	// A new answer starts afresh: pretty and collapsed.
	open.Answer.Seq++
	open.OnUpdate(app.Context{})
	assert.False(t, open.raw)
	assert.False(t, open.expanded)

	text := render(t, &answerView{Step: Step1, Answer: shownAnswer{Status: 502, Body: "Bad gateway", Raw: "Bad gateway", Size: 11}})
	assert.Equal(t, "Text, 11 bytes", text.byID(t, Step1.AnswerSize()).textContent())
	assert.False(t, text.hasID(Step1.AnswerRaw()), "only JSON has another form")
	none := render(t, &answerView{Step: Step1, Answer: shownAnswer{Status: 204}})
	assert.False(t, none.hasID(Step1.AnswerCopy()), "nothing to copy")
}

func TestCollapse(t *testing.T) {
	short := strings.Repeat("a\n", 39) + "a"
	got, long := collapse(short)
	assert.Equal(t, short, got)
	assert.False(t, long)

	got, long = collapse(short + "\nb")
	assert.True(t, long)
	assert.Equal(t, short+"\n…", got, "40 lines")

	oneLine := strings.Repeat("é", 3000) // 6000 bytes, no line break: raw JSON often is
	got, long = collapse(oneLine)
	assert.True(t, long)
	assert.Equal(t, strings.Repeat("é", 2048)+"\n…", got, "4 KiB, never half a character")
}

func TestByteSize(t *testing.T) {
	for n, want := range map[int]string{0: "0 bytes", 1: "1 byte", 1023: "1023 bytes", 1024: "1.0 KiB", 1536: "1.5 KiB", 3 << 20: "3.0 MiB"} {
		assert.Equal(t, want, byteSize(n))
	}
}
