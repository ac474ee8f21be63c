package ui

import "strconv"

// The ids of the page's elements, said once: the views render them, the
// handlers read events and the prerendered page's controls by them, and the
// tests find the elements by the same names.

// Step 1's: tokenChoices.with and earlyControls read its controls back by id.
const (
	IDStep1               = "step1"
	IDStep1Title          = "step1-title"
	IDSource              = "source"
	IDClientID            = "client-id"
	IDClientIDWarning     = "client-id-warning"
	IDRememberID          = "remember-id"
	IDClientSecret        = "client-secret"
	IDClientSecretWarning = "client-secret-warning"
	IDShowSecret          = "show-secret"
	IDAuthStyle           = "auth-style"
	IDEncoding            = "encoding"
	IDRequestToken        = "request-token"
)

// Step 0's, inside Step 1: the sandbox client it makes fills Step 1's fields.
const (
	IDCreateClient        = "create-client"
	IDCreateClientOutcome = "create-client-outcome"
	IDCreateClientError   = "create-client-error"
)

// Step 2's: apiChoices.with reads a choice back by id, a row or parameter by prefix.
const (
	IDStep2             = "step2"
	IDStep2Title        = "step2-title"
	IDStep2Method       = "step2-method"
	IDStep2Preset       = "step2-preset"
	IDStep2Path         = "step2-path"
	IDStep2PathCheck    = "step2-path-check"
	IDStep2Property     = "step2-property"
	IDStep2PropertyFrom = "step2-property-from"
	IDUseTokenProperty  = "use-token-property"
	IDStep2Body         = "step2-body"
	IDStep2BodyCheck    = "step2-body-check"
	IDStep2ContentType  = "step2-content-type"
	IDStep2Pretty       = "step2-pretty"
	IDStep2Headers      = "step2-headers"
	IDStep2HeadersHint  = "step2-headers-hint"
	IDStep2HeaderAdd    = "step2-header-add"
	IDStep2HeaderName   = "step2-header-name-"   // and the row's place
	IDStep2HeaderValue  = "step2-header-value-"  // and the row's place
	IDStep2HeaderError  = "step2-header-error-"  // and the row's place
	IDStep2HeaderRemove = "step2-header-remove-" // and the row's place
	IDStep2Param        = "step2-param-"         // and the parameter's name
	IDAutoRenew         = "auto-renew"
	IDAutoRenewHint     = "auto-renew-hint"
	IDSend              = "send"
)

// A header row's ids end in its place: rows are added and removed.
func IDStep2HeaderNameRow(row int) string   { return IDStep2HeaderName + strconv.Itoa(row) }
func IDStep2HeaderValueRow(row int) string  { return IDStep2HeaderValue + strconv.Itoa(row) }
func IDStep2HeaderErrorRow(row int) string  { return IDStep2HeaderError + strconv.Itoa(row) }
func IDStep2HeaderRemoveRow(row int) string { return IDStep2HeaderRemove + strconv.Itoa(row) }

// A path parameter's field is named after it: the path says which there are.
func IDStep2ParamNamed(name string) string { return IDStep2Param + name }
func IDStep2ParamCheck(name string) string { return IDStep2ParamNamed(name) + "-check" }

// StepIDs makes the ids of the parts both steps have (the exchange, its
// answer, the code to take home) from the step's section id: one view
// renders them for either step.
type StepIDs string

const (
	Step1 StepIDs = IDStep1
	Step2 StepIDs = IDStep2
)

func (s StepIDs) Preview() string            { return string(s) + "-preview" }
func (s StepIDs) Unavailable() string        { return string(s) + "-unavailable" }
func (s StepIDs) Outcome() string            { return string(s) + "-outcome" }
func (s StepIDs) Next() string               { return string(s) + "-next" }
func (s StepIDs) Error() string              { return string(s) + "-error" }
func (s StepIDs) Refused() string            { return string(s) + "-refused" }
func (s StepIDs) Status() string             { return string(s) + "-status" }
func (s StepIDs) AnswerSize() string         { return string(s) + "-answer-size" }
func (s StepIDs) AnswerRaw() string          { return string(s) + "-answer-raw" }
func (s StepIDs) AnswerCopy() string         { return string(s) + "-answer-copy" }
func (s StepIDs) AnswerDownload() string     { return string(s) + "-answer-download" }
func (s StepIDs) AnswerCopyFeedback() string { return string(s) + "-answer-copy-feedback" }
func (s StepIDs) AnswerBody() string         { return string(s) + "-answer-body" }
func (s StepIDs) AnswerExpand() string       { return string(s) + "-answer-expand" }
func (s StepIDs) CodeTitle() string          { return string(s) + "-code-title" }
func (s StepIDs) CodePending() string        { return string(s) + "-code-pending" }
func (s StepIDs) Tab(lang string) string     { return string(s) + "-tab-" + lang }
func (s StepIDs) Panel(lang string) string   { return string(s) + "-panel-" + lang }

// An answer's one-click fix, for whichever step's answer the page can mend.
const IDFix = "fix"

// The token's card: its state is what both steps wait on.
const (
	IDToken             = "token"
	IDTokenTitle        = "token-title"
	IDTokenStatus       = "token-status"
	IDTokenCountdown    = "token-countdown"
	IDTokenValue        = "token-value"
	IDRevealToken       = "reveal-token"
	IDCopyToken         = "copy-token"
	IDCopyTokenFeedback = "copy-token-feedback"
	IDTokenClaims       = "token-claims"
	IDTokenExpNote      = "token-exp-note"
	IDRenew             = "renew"
)

// Below the steps: what was sent, for the person and for support.
const (
	IDHistory          = "history"
	IDTranscript       = "transcript"
	IDTranscriptTitle  = "transcript-title"
	IDTranscriptAbout  = "transcript-about"
	IDExportTranscript = "export-transcript"
	IDExportMarkdown   = "export-markdown"
	IDExportFeedback   = "export-feedback"
	IDInbox            = "inbox"
	IDInboxTitle       = "inbox-title"
	IDCheckInbox       = "check-inbox"
	IDInboxError       = "inbox-error"
	IDInboxDeliveries  = "inbox-deliveries"
)

// The page around the steps, and the holder of what belowFold keeps in sight.
const (
	IDPlayground   = "playground"
	IDEnv          = "env"
	IDPageStatus   = "page-status"
	IDReconnecting = "reconnecting"
	IDReconnectNow = "reconnect-now"
	IDReconnected  = "reconnected"
	IDLinkNotice   = "link-notice"
	IDForget       = "forget"
	IDBelowFold    = "below-fold"
)
