package dom

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// The server prerenders the page, and go-app replaces every prerendered
// element with its own when the wasm mounts, without reusing them: what a
// person typed before that would be wiped. These keep the prerendered
// elements from before the replacement, so that the page can take what
// was typed into them.

// Control is a prerendered form control, as the person left it.
type Control struct{ el app.Value }

// KeepControls finds the prerendered controls of the ids that exist; none
// outside a browser.
func KeepControls(ids []string) []Control {
	if app.IsServer {
		return nil
	}
	var kept []Control
	for _, id := range ids {
		if el := app.Window().GetElementByID(id); el.Truthy() {
			kept = append(kept, Control{el})
		}
	}
	return kept
}

// ID is the control's id.
func (c Control) ID() string { return c.el.Get("id").String() }

// Value is what the control holds; Checked, whether a checkbox is ticked.
func (c Control) Value() string { return c.el.Get("value").String() }
func (c Control) Checked() bool { return c.el.Get("checked").Truthy() }

// Edited says whether the person changed the control from what the page
// came with.
func (c Control) Edited() bool {
	el := c.el
	switch {
	case el.Get("type").String() == "checkbox":
		return el.Get("checked").Bool() != el.Get("defaultChecked").Bool()
	case el.Get("tagName").String() == "SELECT":
		options := el.Get("options")
		for i := 0; i < options.Length(); i++ {
			if o := options.Index(i); o.Get("defaultSelected").Bool() {
				return !o.Get("selected").Bool()
			}
		}
		return el.Get("selectedIndex").Int() > 0
	default:
		return el.Get("value").String() != el.Get("defaultValue").String()
	}
}

// MoveValue moves the control's value into the control of the same id
// that the page now has, inside the browser, and empties the old one: a
// password goes from field to field without Go filling one.
func (c Control) MoveValue() {
	if field := app.Window().GetElementByID(c.ID()); field.Truthy() {
		field.Set("value", c.el.Get("value"))
	}
	c.el.Set("value", "")
}

// TakeEarlyClick is the id of the button clicked before the wasm ran, as
// loader.js marks it on the root element; "" when none was. The mark is
// taken away: the click is done once.
func TakeEarlyClick() string {
	if app.IsServer {
		return ""
	}
	root := app.Window().Get("document").Get("documentElement")
	id := root.Get("dataset").Get("earlyClick")
	if !id.Truthy() {
		return ""
	}
	root.Call("removeAttribute", "data-early-click")
	return id.String()
}

// Elements are prerendered elements kept from before the replacement.
type Elements struct{ els []app.Value }

// KeepFrom keeps the element id names and its next siblings.
func KeepFrom(id string) Elements {
	var k Elements
	for el := app.Window().GetElementByID(id); el.Truthy(); el = el.Get("nextElementSibling") {
		k.els = append(k.els, el)
	}
	return k
}

// MoveInto moves the elements, as they are, into the element id names.
func (k Elements) MoveInto(id string) {
	holder := app.Window().GetElementByID(id)
	if !holder.Truthy() {
		return
	}
	for _, el := range k.els {
		holder.Call("appendChild", el)
	}
}

// Holds says whether c is one of the elements or inside one.
func (k Elements) Holds(c Control) bool {
	for _, el := range k.els {
		if el.Call("contains", c.el).Bool() {
			return true
		}
	}
	return false
}

// FocusedIn is the id of the element that has the focus inside the
// element id names; "" when the focus is elsewhere.
func FocusedIn(id string) string {
	active := app.Window().Get("document").Get("activeElement")
	if !active.Truthy() {
		return ""
	}
	if holder := app.Window().GetElementByID(id); holder.Truthy() && holder.Call("contains", active).Bool() {
		return active.Get("id").String()
	}
	return ""
}

// AfterPaint calls f on the UI goroutine in the first task after the
// browser's next paint: a frame callback runs just before the paint, and a
// task it posts runs after it.
func AfterPaint(ctx app.Context, f func(app.Context)) {
	var frame, task app.Func
	task = app.FuncOf(func(app.Value, []app.Value) any {
		frame.Release()
		task.Release()
		ctx.Dispatch(f)
		return nil
	})
	frame = app.FuncOf(func(app.Value, []app.Value) any {
		app.Window().Call("setTimeout", task, 0)
		return nil
	})
	app.Window().Call("requestAnimationFrame", frame)
}
