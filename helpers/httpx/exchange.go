// Package httpx is the suite's HTTP client. Every call becomes an immutable Exchange (request,
// answer, timing) that specs assert on and failure transcripts print, redacted.
package httpx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/redact"
)

// Request is what was sent.
type Request struct {
	Method string      `json:"method"`
	URL    string      `json:"url"`
	Header http.Header `json:"header,omitempty"`
	Body   []byte      `json:"body,omitempty"`
}

// Response is what came back.
type Response struct {
	Status    int         `json:"status"`
	Header    http.Header `json:"header,omitempty"`
	Body      []byte      `json:"body,omitempty"`
	Truncated bool        `json:"truncated,omitempty"` // the body was longer than the client reads
}

// Exchange is one request and its outcome. Err is set, and Response nil, when no answer came.
type Exchange struct {
	Step     string    `json:"step"`
	Request  Request   `json:"request"`
	Response *Response `json:"response,omitempty"`
	Err      string    `json:"error,omitempty"`
	Sent     time.Time `json:"sent"`
	Received time.Time `json:"received"`
	Attempts int       `json:"attempts"`
}

// Status returns the answer's status, or 0 when none came.
func (e *Exchange) Status() int {
	if e == nil || e.Response == nil {
		return 0
	}
	return e.Response.Status
}

// Issued returns the tokens the answer issued: the "refresh" and "access" strings of its JSON
// object, "" for each it lacks. It is the one place the suite reads tokens out of a body.
func (e *Exchange) Issued() (refresh, access string) {
	obj, err := e.Object()
	if err != nil {
		return "", ""
	}
	refresh, _ = obj["refresh"].(string)
	access, _ = obj["access"].(string)
	return refresh, access
}

// Tokens returns every token the exchange carries, for the redactor: those its answer issued
// and the one its request's Authorization header sent.
func (e *Exchange) Tokens() []string {
	var out []string
	refresh, access := e.Issued()
	for _, t := range []string{refresh, access} {
		if t != "" {
			out = append(out, t)
		}
	}
	if a := e.Request.Header.Get("Authorization"); a != "" {
		if _, tok, ok := strings.Cut(a, " "); ok {
			out = append(out, tok)
		}
	}
	return out
}

// Object decodes the answer as a JSON object, numbers kept exact.
func (e *Exchange) Object() (map[string]any, error) {
	if e.Response == nil {
		return nil, fmt.Errorf("no answer: %s", e.Err)
	}
	if e.Response.Truncated {
		return nil, fmt.Errorf("body is larger than the client reads (%d bytes read)", len(e.Response.Body))
	}
	dec := json.NewDecoder(bytes.NewReader(e.Response.Body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("body is not JSON (%v): %q", shortErr(err), preview(e.Response.Body))
	}
	if dec.More() {
		return nil, fmt.Errorf("body has data after its JSON value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("body is JSON but not an object")
	}
	return obj, nil
}

// Header returns a response header, or "".
func (e *Exchange) Header(name string) string {
	if e.Response == nil {
		return ""
	}
	return e.Response.Header.Get(name)
}

// Date returns the server's Date header, if it sent a valid one.
func (e *Exchange) Date() time.Time {
	d, err := http.ParseTime(e.Header("Date"))
	if err != nil {
		return time.Time{}
	}
	return d.UTC()
}

// Summary is a one-line description of the answer for failure messages.
func (e *Exchange) Summary() string {
	if e.Response == nil {
		return e.Err
	}
	s := fmt.Sprintf("%d %s", e.Response.Status, http.StatusText(e.Response.Status))
	if ct := e.Header("Content-Type"); ct != "" {
		s += ", Content-Type " + Clip(ct, maxShownValue)
	}
	return s
}

// maxShownValue is the most of a header value a one-line summary shows.
const maxShownValue = 80

// maxHeaderLines is the most header lines a transcript shows of one message.
const maxHeaderLines = 40

// Transcript prints the exchange for a failure report: banners, headers and bodies redacted,
// bodies cut at maxBody bytes, each header line at MaxMessage characters and the header at
// maxHeaderLines lines. A token keeps its header and claims as evidence; a claim that holds a
// secret or another token is masked inside it (redact.Claims), the email and every other claim
// stay readable.
func (e *Exchange) Transcript(r *redact.Redactor, maxBody int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "── request (%s) %s %s\n", e.Step, e.Request.Method, r.String(e.Request.URL))
	b.WriteString(headerLines(r.Header(e.Request.Header)))
	if len(e.Request.Body) > 0 {
		b.WriteString(r.Body(e.Request.Body, maxBody) + "\n")
	}
	if e.Response == nil {
		fmt.Fprintf(&b, "── no answer: %s\n", Clip(r.String(e.Err), MaxMessage))
		return b.String()
	}
	fmt.Fprintf(&b, "── answer %d %s (%s)\n", e.Response.Status, http.StatusText(e.Response.Status), e.Received.Sub(e.Sent).Round(time.Millisecond))
	b.WriteString(headerLines(r.Header(e.Response.Header)))
	if len(e.Response.Body) > 0 {
		b.WriteString(r.Body(e.Response.Body, maxBody) + "\n")
	}
	return b.String()
}

// headerLines bounds a redacted header block: each line cut after redaction, so a cut can
// never leave part of a secret unmasked.
func headerLines(block string) string {
	lines := strings.SplitAfter(block, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	var b strings.Builder
	for i, l := range lines {
		if i == maxHeaderLines {
			fmt.Fprintf(&b, "… (%d more header lines)\n", len(lines)-i)
			break
		}
		b.WriteString(Clip(strings.TrimSuffix(l, "\n"), MaxMessage) + "\n")
	}
	return b.String()
}

func preview(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
