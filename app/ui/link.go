package ui

import (
	"net/url"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
	"octoplay/internal/wire"
)

// pageLink is what the page's URL carries: the choices a presenter
// bookmarks and shares so that a request is ready to send, and the layout.
// Never a secret, a token, nor the client id: a link is pasted in chats and
// kept in histories. Whatever else a URL holds is never read, and leaves
// the address bar once the page runs.
type pageLink struct {
	Env      string // an environment's name; "" is the first
	Step     int    // 2 puts Step 2 in focus
	Profile  string // a server profile's name, for Step 1
	Auth     quickstart.AuthStyle
	Encoding quickstart.Encoding
	Method   string
	Path     string
	Property string
	Embed    bool   // the compact layout for a frame in the docs
	Theme    string // "light" or "dark"; "" follows the device
}

// The query parameters of a link, in the order the page writes them.
const (
	paramEnv      = "env"
	paramStep     = "step"
	paramProfile  = "profile"
	paramAuth     = "auth"
	paramEncoding = "encoding"
	paramMethod   = "method"
	paramPath     = "path"
	paramProperty = "property"
	paramEmbed    = "embed"
	paramTheme    = "theme"
)

// maxLinkValue bounds what a link's value may hold: a path with its query
// is the longest, and none needs more.
const maxLinkValue = 512

// parseLink reads a link, each value checked against what the page
// offers: a value it does not know is the default. It never reads another
// parameter.
func parseLink(q url.Values) pageLink {
	get := func(name string) string {
		v := q.Get(name)
		if len(v) > maxLinkValue || strings.ContainsFunc(v, isControl) {
			return ""
		}
		return v
	}
	l := pageLink{
		Env: get(paramEnv), Profile: get(paramProfile), Property: strings.TrimSpace(get(paramProperty)),
		Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm, Method: "GET", Path: wire.APIBase,
		Embed: get(paramEmbed) == "1",
	}
	if get(paramStep) == "2" {
		l.Step = 2
	}
	if a := quickstart.AuthStyle(get(paramAuth)); a == quickstart.AuthBasic {
		l.Auth = a
	}
	if e := quickstart.Encoding(get(paramEncoding)); e == quickstart.EncodingJSON {
		l.Encoding = e
	}
	if m := get(paramMethod); slices.Contains(wire.APIMethods(), m) {
		l.Method = m
	}
	if p := get(paramPath); strings.HasPrefix(p, "/") {
		l.Path = p
	}
	if t := get(paramTheme); t == "light" || t == "dark" {
		l.Theme = t
	}
	return l
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// query is the link as a URL query, its defaults left out so that a shared
// link says only what differs; the path's slashes stay readable (RFC 3986
// §3.4 allows them in a query).
func (l pageLink) query() string {
	var parts []string
	add := func(name, value, dflt string) {
		if value != dflt {
			parts = append(parts, name+"="+strings.ReplaceAll(url.QueryEscape(value), "%2F", "/"))
		}
	}
	add(paramEnv, l.Env, "")
	if l.Step == 2 {
		add(paramStep, "2", "")
	}
	add(paramProfile, l.Profile, "")
	add(paramAuth, string(l.Auth), string(quickstart.AuthInBody))
	add(paramEncoding, string(l.Encoding), string(quickstart.EncodingForm))
	add(paramMethod, l.Method, "GET")
	add(paramPath, l.Path, wire.APIBase)
	add(paramProperty, l.Property, "")
	if l.Embed {
		add(paramEmbed, "1", "")
	}
	add(paramTheme, l.Theme, "")
	return strings.Join(parts, "&")
}

// link is the page's state as a link: what a reload or a shared copy of
// the address must show.
func (p *playground) link() pageLink {
	l := pageLink{
		Env: p.env.Name, Profile: p.step1.choices.Source, Auth: p.step1.choices.Auth, Encoding: p.step1.choices.Encoding,
		Method: p.step2.choices.Method, Path: p.step2.choices.Path, Property: strings.TrimSpace(p.step2.choices.Property),
		Embed: p.asked.Embed, Theme: p.asked.Theme,
	}
	if l.Env == "" {
		l.Env = p.asked.Env // the environments are not loaded yet
	}
	if p.focus == 2 {
		l.Step = 2
	}
	return l
}

// syncURL puts the page's link in the address bar in place of the current
// entry (history.replaceState): no history entry per keystroke, and the
// URL the page was opened with, whatever else it held, is gone from the
// history too.
func (p *playground) syncURL() {
	if !p.mounted {
		return
	}
	loc := app.Window().Get("location")
	want := loc.Get("pathname").String()
	if q := p.link().query(); q != "" {
		want += "?" + q
	}
	want += loc.Get("hash").String()
	if loc.Get("pathname").String()+loc.Get("search").String()+loc.Get("hash").String() == want {
		return
	}
	history := app.Window().Get("history")
	history.Call("replaceState", history.Get("state"), "", want)
}

// linkNotice says what a link asked for that the page cannot show, with
// the choices it has; "" when there is nothing to say.
func linkNotice(asked pageLink, envs []quickstart.Environment, env quickstart.Environment) string {
	if asked.Env != "" && asked.Env != env.Name {
		var names []string
		for _, e := range envs {
			names = append(names, e.Name+" ("+e.Title+")")
		}
		return "This link names the environment \"" + asked.Env + "\", which this playground does not have. It has " +
			strings.Join(names, ", ") + "; " + env.Title + " is shown. Choose another above."
	}
	if asked.Profile != "" && !env.HasProfile(asked.Profile) {
		has := "has no credentials saved on the playground's server"
		if len(env.Profiles) > 0 {
			has = "has the saved credentials " + strings.Join(env.Profiles, ", ")
		}
		return "This link names the saved credentials \"" + asked.Profile + "\", which " + env.Title + " does not have: it " + has +
			". Choose in Step 1, or type your own client id and secret."
	}
	return ""
}

// CanonicalLink is the link a URL query asks for, as the page reads it
// (every value it does not know is its default, every other parameter
// ignored), written one way: two queries with the same CanonicalLink get
// the same page. The server keys the prerendered page on it.
func CanonicalLink(q url.Values) string { return parseLink(q).query() }
