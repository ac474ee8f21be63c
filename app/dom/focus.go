package dom

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Focus moves the focus to the element id names, if there is one.
func Focus(id string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Call("focus")
	}
}

// FocusUnlessTaken focuses the element id names unless the person's focus
// is already on a control of the page.
func FocusUnlessTaken(id string) {
	doc := app.Window().Get("document")
	if active := doc.Get("activeElement"); active.Truthy() && !active.Equal(doc.Get("body")) {
		return
	}
	Focus(id)
}

// ClearValue empties the value of the form control id names: a field
// that Go reads and never fills, a password above all.
func ClearValue(id string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Set("value", "")
	}
}
