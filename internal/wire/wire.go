// Package wire is what the browser and the server must agree on, said once:
// the relay's routes and the environments document it serves, the headers
// a sealed request speaks to the relay with, the relay's problem types
// (RFC 9457) and the statuses it answers them with, the methods Step 2 may
// send, and the paths of OctoTable that the sandbox serves under its mount.
//
// Both sides import it: the relay, the sandbox and the bench on the
// server's side, the playground's plain logic in the browser. It imports
// nothing but the standard library's basics, and never net/http, so that
// the wasm links no more than it needs; a rename here is a compile error
// on both sides rather than a browser that no longer understands its server.
package wire

// The relay's routes (RFC 9458 §3: the key configurations, and the
// gateway's one resource), and the list of the environments it reaches.
const (
	RelayPath             = "/relay"
	RelayKeysPath         = RelayPath + "/keys"
	RelayEnvironmentsPath = RelayPath + "/environments"
)

// Environment is one entry of GET RelayEnvironmentsPath: where an
// environment's token endpoint and API bases are, and which server-held
// credential profiles it has. It never holds a secret.
type Environment struct {
	Name     string   `json:"name"`
	Title    string   `json:"title"`
	TokenURL string   `json:"token_url"`
	APIBases []string `json:"api_bases"`
	// Profiles are the names of the server-held credentials; the relay
	// sends an empty list, never null, when there are none.
	Profiles []string `json:"profiles"`
	// Operations are the API the environment documents, for Step 2's
	// picker; none (the field left out) keeps the playground's examples.
	Operations []Operation `json:"operations,omitempty"`
}

// Operation is one method on one path of an environment's API, as Step 2
// offers it.
type Operation struct {
	Method string `json:"method"`
	// Path is as OctoTable's docs write it, its parameters in braces:
	// /octotable-pms/api/v2/reservations/{reservation_id}.
	Path    string `json:"path"`
	Tag     string `json:"tag"` // the area: Rooms, Reservations, Webhooks...
	Summary string `json:"summary"`
	// Property says whether it wants the Property header.
	Property bool `json:"property,omitempty"`
	// Query are its query parameters' names.
	Query []string `json:"query,omitempty"`
	// Example is a JSON body to start from, "" for an operation without.
	Example string `json:"example,omitempty"`
}

// The headers of a sealed request that speak to the relay, never passed
// upstream: the relay drops every header that starts with HeaderPrefix.
const (
	HeaderPrefix = "octoplay-"
	// HeaderProfile names a server-held credential profile for a token
	// request; the relay adds its credentials.
	HeaderProfile = HeaderPrefix + "profile"
	// HeaderClientAuth says how the relay adds a profile's credentials:
	// ClientAuthBody (the default) or ClientAuthBasic (RFC 6749 §2.3.1).
	HeaderClientAuth = HeaderPrefix + "client-auth"
	// HeaderProblem, on a sealed answer the relay wrote itself, names its
	// problem type.
	HeaderProblem = HeaderPrefix + "problem"
)

// The values of HeaderClientAuth.
const (
	ClientAuthBody  = "body"
	ClientAuthBasic = "basic"
)

// APIMethods are the methods Step 2 may send to an API base, in the order
// the playground offers them; the token endpoint takes POST alone
// (RFC 6749 §3.2).
func APIMethods() []string { return []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} }

// OctoTable's paths, as its quickstart publishes them under an
// environment's origin; the sandbox serves the same ones under
// SandboxMount.
const (
	// TokenPath is the token endpoint: the quickstart's base URL
	// (/octotable-auth/api/v2) and /oauth2/token.
	TokenPath = "/octotable-auth/api/v2/oauth2/token"
	// APIBase is where the quickstart's Step 2 calls.
	APIBase = "/api/v2/"
	// PMSBase holds the property resources, which need the Property header.
	PMSBase = "/octotable-pms/api/v2/"
	// ReservationsPath lists reservations (GET) and creates one (POST);
	// ReservationsPath + "/" + id reads (GET), changes (PATCH) or removes
	// (DELETE) one.
	ReservationsPath = PMSBase + "reservations"
	// CreateClientPath is create-client: a POST with a redirect uri and a
	// sandbox property makes a client id and secret of one's own.
	CreateClientPath = PMSBase + "api-account/oauth2/client"
	// InboxPath is the sandbox's own (OctoTable has none): GET lists the
	// webhook deliveries it made, newest first, as OctoTable would POST
	// them to the subscription's endpoint.
	InboxPath = PMSBase + "sandbox/webhook-inbox"
)

// The sandbox, the embedded stand-in for OctoTable.
const (
	// SandboxMount is where the server mounts the sandbox: its token
	// endpoint is SandboxMount + TokenPath.
	SandboxMount = "/sandbox"
	// SandboxEnvironment is the sandbox's environment name.
	SandboxEnvironment = "sandbox"
	// SandboxProfile is the sandbox's server-held profile.
	SandboxProfile = "demo"
	// SandboxProperty is the id of the sandbox's one property, which the
	// resources under PMSBase want in the Property header.
	SandboxProperty = "1001"
)

// The embed: a page of the docs that frames the playground (?embed=1).
const (
	// MetaFrameAncestors names the meta element of the page that lists,
	// space-separated, the origins allowed to frame it (the CSP's
	// frame-ancestors): the only origins the playground posts its height to.
	MetaFrameAncestors = "octoplay-frame-ancestors"
	// ResizeMessage is the type of the message the framed playground posts
	// to its parent with its content's height: {"type", "height"}.
	ResizeMessage = "octoplay:resize"
)
