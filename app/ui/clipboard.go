package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/dom"
)

// Feedback of a Copy button: the clipboard took the text, or it did not.
const (
	copiedText    = "Copied."
	notCopiedText = "The browser did not allow copying: select the text and copy it yourself."
)

// copyText copies text (dom.Copy), then calls done on the UI goroutine
// with the feedback to show.
func copyText(ctx app.Context, text string, done func(feedback string)) {
	dom.Copy(ctx, text, func(copied bool) {
		if copied {
			done(copiedText)
			return
		}
		done(notCopiedText)
	})
}
