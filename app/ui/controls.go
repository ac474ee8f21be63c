package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// The page's own form controls. go-app prerenders a boolean attribute set
// to false as checked="false" or selected="false", which HTML reads as set:
// the page before the wasm runs would show every option chosen. These set
// such an attribute only when it is true.

// field is a labelled form control with an optional hint.
func field(id, label string, control app.UI, hint string) app.UI {
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		control,
		app.If(hint != "", func() app.UI { return app.P().Class("hint").Text(hint) }),
	)
}

// option is a select's option, selected only when it is.
func option(value, text string, selected bool) app.HTMLOption {
	o := app.Option().Value(value).Text(text)
	if selected {
		o = o.Selected(true)
	}
	return o
}

// disclosure is d, open only when it is.
func disclosure(d app.HTMLDetails, open bool) app.HTMLDetails {
	if open {
		return d.Open(true)
	}
	return d
}
