package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Feedback of a Copy button: the clipboard took the text, or it did not.
const (
	copiedText    = "Copied."
	notCopiedText = "The browser did not allow copying: select the text and copy it yourself."
)

// copyText puts text on the clipboard, which the person asked for and is
// not storage the page keeps, then calls done on the UI goroutine with the
// feedback to show: the browser may refuse (no permission, no focus).
func copyText(ctx app.Context, text string, done func(feedback string)) {
	clip := app.Window().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		done(notCopiedText)
		return
	}
	var settled []app.Func
	settle := func(feedback string) app.Func {
		f := app.FuncOf(func(app.Value, []app.Value) any {
			ctx.Dispatch(func(app.Context) {
				for _, f := range settled {
					f.Release()
				}
				done(feedback)
			})
			return nil
		})
		settled = append(settled, f)
		return f
	}
	clip.Call("writeText", text).Call("then", settle(copiedText), settle(notCopiedText))
}
