package dom

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Copy puts text on the clipboard, which the person asked for and is not
// storage the page keeps, then calls done on the UI goroutine with whether
// the browser took it: it may refuse (no permission, no focus).
func Copy(ctx app.Context, text string, done func(copied bool)) {
	clip := app.Window().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		done(false)
		return
	}
	var settled []app.Func
	settle := func(copied bool) app.Func {
		f := app.FuncOf(func(app.Value, []app.Value) any {
			ctx.Dispatch(func(app.Context) {
				for _, f := range settled {
					f.Release()
				}
				done(copied)
			})
			return nil
		})
		settled = append(settled, f)
		return f
	}
	clip.Call("writeText", text).Call("then", settle(true), settle(false))
}
