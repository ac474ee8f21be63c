package transcript

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Markdown is the visit's exchanges as Markdown for a ticket's text: each
// request as HTTP/1.1 writes it, as it went upstream, and its answer, in
// code blocks, with what was removed said once at the top.
func Markdown(exchanges []Exchange, exported time.Time) string {
	var b strings.Builder
	them, their := "them", "their"
	if len(exchanges) == 1 {
		them, their = "it", "its"
	}
	fmt.Fprintf(&b, "# Octoplay transcript\n\nExported %s. %s, as Octoplay's relay sent %s upstream, and %s answers.\n\n%s\n",
		exported.UTC().Format("2006-01-02 15:04:05 UTC"), plural(len(exchanges), "request"), them, their, removedNote)
	for i, x := range exchanges {
		b.WriteString("\n## " + x.heading(i+1) + "\n\n")
		fmt.Fprintf(&b, "Started %s", harTime(x.started))
		if x.response != nil {
			fmt.Fprintf(&b, "; the answer came %s later, through the relay", x.duration.Round(time.Millisecond))
		}
		b.WriteString(".")
		if x.comment != "" {
			b.WriteString(" " + x.comment)
		}
		b.WriteString("\n\nRequest:\n\n" + fenced(x.request.httpText()))
		if x.response == nil {
			b.WriteString("\nNot relayed" + strings.TrimSuffix(": "+x.failure, ": ") + ".\n")
			continue
		}
		b.WriteString("\nAnswer:\n\n" + fenced(x.response.httpText()))
	}
	return b.String()
}

func (x Exchange) heading(n int) string {
	title := ""
	if x.title != "" {
		title = x.title + ": "
	}
	outcome := "not relayed"
	if x.response != nil {
		outcome = fmt.Sprintf("%d %s", x.response.status, http.StatusText(x.response.status))
	}
	return fmt.Sprintf("%d. %s%s → %s", n, title, inlineCode(x.request.method+" "+x.request.url), outcome)
}

// httpText writes the request as HTTP/1.1 does, its target relative and
// its Host from the URL.
func (m message) httpText() string {
	var b strings.Builder
	target, host := m.url, ""
	if u, err := url.Parse(m.url); err == nil {
		target, host = u.RequestURI(), u.Host
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\nHost: %s\n", m.method, target, host)
	writeFieldsAndBody(&b, m.header, m.body)
	return b.String()
}

func (r *response) httpText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\n", r.status, http.StatusText(r.status))
	writeFieldsAndBody(&b, r.header, r.body)
	return b.String()
}

func writeFieldsAndBody(b *strings.Builder, h []field, body []byte) {
	for _, f := range h {
		b.WriteString(f.name + ": " + f.value + "\n")
	}
	switch {
	case len(body) == 0:
	case !utf8.Valid(body):
		fmt.Fprintf(b, "\n(%s of binary data, not shown)\n", plural(len(body), "byte"))
	default:
		b.WriteString("\n" + strings.TrimRight(string(body), "\n") + "\n")
	}
}

// fenced puts text in a code block whose fence no run of backticks in it
// can close.
func fenced(text string) string {
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	return fence + "http\n" + text + fence + "\n"
}

// inlineCode puts text in a code span, with more backticks around it than
// any run inside (CommonMark §6.1).
func inlineCode(text string) string {
	ticks := strings.Repeat("`", longestRun(text, '`')+1)
	if strings.HasPrefix(text, "`") || strings.HasSuffix(text, "`") {
		text = " " + text + " "
	}
	return ticks + text + ticks
}

func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
