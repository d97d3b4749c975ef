package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
	"github.com/zonesmart/jwt-conformance/version"
)

// Version describes the suite that made a report: its version, Ginkgo's and Go's. The version
// itself is kept in one place, the version package.
func Version() string { return version.String() }

// Report file names inside the reports directory.
const (
	MarkdownFile = "conformance.md"
	HTMLFile     = "conformance.html"
)

// Run is what a report states about the run beside the verdicts.
type Run struct {
	Target   string    // the server tested, or what was replayed
	Started  time.Time // when the run began
	Finished time.Time
	// Recorded is when the replayed fixtures were recorded; zero for a live run or the page's
	// examples. Time-based clauses were judged against it.
	Recorded time.Time
	Version  string
	Config   []Setting
	// Endpoints titles the report's endpoint groups ("me" → "GET /users/me/").
	Endpoints map[string]string
	// Redact masks secrets in every string the report prints; nil prints them as they are.
	Redact func(string) string
	// RedactClaims masks the claims of a decoded token that hold a secret or a token (the
	// run's redactor's Claims); nil masks every claim that Redact changes or that holds a token.
	RedactClaims func(map[string]any) map[string]any
	// Notices are what the run says about itself before any verdict: settings that weaken what
	// it proves (tls.insecure_skip_verify) and a server clock further from ours than clock.skew.
	Notices []string
	// Changes is what changed since a baseline run (--baseline), as plain text; "" without one.
	Changes string
}

// Setting is one configuration key as the report shows it, secrets already masked.
type Setting struct {
	Key    string
	Value  string
	Source string // "default", the env var, or the file and line
}

// document is a report's content, built once and printed as Markdown and as HTML, so that
// both show the same thing and every string passes the redactor exactly here.
type document struct {
	Title     string
	Failed    bool
	Headline  string
	Target    string
	Started   string
	Duration  string
	Recorded  string
	Version   string
	Requests  int
	Totals    []count
	Endpoints []endpointGroup
	Clauses   []clauseRow
	// Failures are the clauses the target failed; Broken the ones the environment broke while
	// they were judged (they say nothing of the target); Warnings the SHOULD clauses it broke.
	// The reports open with them.
	Failures []failure
	Broken   []failure
	Warnings []failure
	Waivers  []note
	Skipped  []note
	Other    []string
	Config   []Setting
	Notices  []string
	Changes  string
}

type count struct {
	Verdict verdict.Kind
	N       int
}

type endpointGroup struct {
	Name   string
	Title  string
	Worst  verdict.Kind
	Total  int
	Counts []count // every verdict, in Verdicts order, zeros included
}

type clauseRow struct {
	ID, Statement, Severity, Section, Endpoint string
	Verdict                                    verdict.Kind
	Note                                       string // the first line of the message behind a non-pass verdict
}

type note struct {
	ID, Severity, Message string
	Verdict               verdict.Kind
}

// failure is a clause that needs attention, with its evidence: the first exchange shown whole,
// the rest folded, every token in them decoded, and a curl command per request.
type failure struct {
	ID, Severity, Section, Statement, Spec, Message string
	Verdict                                         verdict.Kind
	// Exchanges are the spec's exchanges, redacted, one transcript each, in the order sent.
	Exchanges []string
	Tokens    []tokenView
	// Curl reproduces the requests, credentials and tokens as shell variables; "" without any.
	Curl string
}

// First is the exchange shown expanded.
func (f failure) First() string {
	if len(f.Exchanges) == 0 {
		return ""
	}
	return f.Exchanges[0]
}

// More are the exchanges after the first, shown folded.
func (f failure) More() []string {
	if len(f.Exchanges) < 2 {
		return nil
	}
	return f.Exchanges[1:]
}

// Verdicts lists every verdict in the order reports show them.
var Verdicts = verdict.Kinds

func newDocument(s Summary, run Run) document {
	red := run.Redact
	if red == nil {
		red = func(s string) string { return s }
	}
	d := document{
		Title:    "Zonesmart JWT authentication: conformance report",
		Target:   red(run.Target),
		Version:  red(orDefault(run.Version, Version())),
		Requests: s.Requests,
		Other:    mapStrings(s.Other, red),
		Notices:  mapStrings(run.Notices, red),
		Changes:  red(run.Changes),
	}
	if !run.Started.IsZero() {
		d.Started = run.Started.UTC().Format("2006-01-02 15:04:05 MST")
		if run.Finished.After(run.Started) {
			d.Duration = run.Finished.Sub(run.Started).Round(time.Millisecond).String()
		}
	}
	if !run.Recorded.IsZero() {
		d.Recorded = run.Recorded.UTC().Format("2006-01-02 15:04:05 MST")
	}
	for _, c := range run.Config {
		d.Config = append(d.Config, Setting{Key: c.Key, Value: red(c.Value), Source: red(c.Source)})
	}
	groups := map[string]*endpointGroup{}
	for _, name := range clauses.Endpoints {
		groups[name] = &endpointGroup{Name: name, Title: red(orDefault(run.Endpoints[name], name)), Worst: verdict.NotRun}
	}
	perGroup := map[string]map[verdict.Kind]int{}
	ev := newEvidence(run, red)
	for _, c := range s.Clauses {
		row := clauseRow{ID: c.ID, Statement: red(c.Statement), Severity: string(c.Severity), Verdict: c.Verdict, Section: red(c.Section), Endpoint: c.Endpoint}
		message := ""
		if lead := leadSpec(c); lead != nil {
			message = red(strings.TrimSpace(lead.Message))
		}
		if c.Verdict != verdict.Pass {
			row.Note = firstLine(message)
		}
		d.Clauses = append(d.Clauses, row)
		switch c.Verdict {
		case verdict.Waived:
			d.Waivers = append(d.Waivers, note{ID: c.ID, Severity: row.Severity, Verdict: c.Verdict, Message: message})
		case verdict.Skip:
			d.Skipped = append(d.Skipped, note{ID: c.ID, Severity: row.Severity, Verdict: c.Verdict, Message: message})
		case verdict.Fail, verdict.Broken, verdict.Warn:
			for _, sv := range c.Specs {
				if sv.Verdict != c.Verdict {
					continue
				}
				f := failure{ID: c.ID, Severity: row.Severity, Section: row.Section, Statement: row.Statement, Verdict: c.Verdict,
					Spec: red(sv.Text), Message: red(strings.TrimSpace(sv.Message))}
				ev.attach(&f, red(sv.Exchange))
				switch c.Verdict {
				case verdict.Fail:
					d.Failures = append(d.Failures, f)
				case verdict.Broken:
					d.Broken = append(d.Broken, f)
				default:
					d.Warnings = append(d.Warnings, f)
				}
			}
		}
		g, ok := groups[c.Endpoint]
		if !ok {
			g = &endpointGroup{Name: c.Endpoint, Title: red(c.Endpoint), Worst: verdict.NotRun}
			groups[c.Endpoint] = g
		}
		g.Total++
		if perGroup[c.Endpoint] == nil {
			perGroup[c.Endpoint] = map[verdict.Kind]int{}
		}
		perGroup[c.Endpoint][c.Verdict]++
		if c.Verdict.Rank() > g.Worst.Rank() {
			g.Worst = c.Verdict
		}
	}
	names := append([]string(nil), clauses.Endpoints...)
	var extra []string
	for name := range groups {
		if !slices.Contains(names, name) {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range append(names, extra...) {
		g := groups[name]
		if g.Total == 0 {
			continue
		}
		for _, v := range Verdicts {
			g.Counts = append(g.Counts, count{v, perGroup[name][v]})
		}
		d.Endpoints = append(d.Endpoints, *g)
	}
	for _, v := range Verdicts {
		if n := s.Counts[v]; n > 0 {
			d.Totals = append(d.Totals, count{v, n})
		}
	}
	d.Failed = s.Counts[verdict.Fail] > 0 || s.Counts[verdict.Broken] > 0 || len(s.Other) > 0
	var parts []string
	for _, t := range d.Totals {
		parts = append(parts, fmt.Sprintf("%d %s", t.N, t.Verdict.Words()))
	}
	switch {
	case s.Counts[verdict.Fail] > 0:
		d.Headline = fmt.Sprintf("FAIL: %d of %d clauses fail (%s)", s.Counts[verdict.Fail], len(s.Clauses), strings.Join(parts, ", "))
	case s.Counts[verdict.Broken] > 0:
		d.Headline = fmt.Sprintf("BROKEN: the environment failed while %d of %d clauses were judged; no clause failed (%s)", s.Counts[verdict.Broken], len(s.Clauses), strings.Join(parts, ", "))
	case len(s.Other) > 0:
		d.Headline = fmt.Sprintf("FAIL: the run itself failed outside any clause (%s)", strings.Join(parts, ", "))
	default:
		d.Headline = fmt.Sprintf("PASS: no clause fails (%s)", strings.Join(parts, ", "))
	}
	return d
}

// leadSpec is the spec whose verdict is the clause's, for its message.
func leadSpec(c ClauseVerdict) *SpecVerdict {
	for i := range c.Specs {
		if c.Specs[i].Verdict == c.Verdict {
			return &c.Specs[i]
		}
	}
	return nil
}

// WriteFiles renders conformance.md and conformance.html and hands each, with its path in dir,
// to write (the run's output door, which redacts it and writes it whole), returning the paths.
func WriteFiles(dir string, s Summary, run Run, write func(path string, data []byte) error) ([]string, error) {
	var paths []string
	for _, f := range []struct {
		name  string
		write func(*strings.Builder) error
	}{
		{MarkdownFile, func(b *strings.Builder) error { return WriteMarkdown(b, s, run) }},
		{HTMLFile, func(b *strings.Builder) error { return WriteHTML(b, s, run) }},
	} {
		var b strings.Builder
		if err := f.write(&b); err != nil {
			return paths, fmt.Errorf("%s: %v", f.name, err)
		}
		path := filepath.Join(dir, f.name)
		if err := write(path, []byte(b.String())); err != nil {
			return paths, fmt.Errorf("reports directory %s: %v", dir, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// evidence turns a spec's redacted transcript into what a reader would otherwise work out by
// hand: the exchanges one by one, the tokens in them decoded, and a curl command per request.
type evidence struct {
	red    func(string) string
	claims func(map[string]any) map[string]any
	email  string // the log-in email, shown as $ZS_EMAIL in commands
}

func newEvidence(run Run, red func(string) string) evidence {
	e := evidence{red: red, claims: run.RedactClaims}
	for _, c := range run.Config {
		if c.Key == "target.email" {
			e.email = c.Value
		}
	}
	if e.claims == nil {
		e.claims = func(m map[string]any) map[string]any { return maskClaims(m, red) }
	}
	return e
}

// maskClaims masks every claim value, at any depth, that red changes or that holds a token.
func maskClaims(m map[string]any, red func(string) string) map[string]any {
	var mask func(v any) any
	mask = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, v := range x {
				out[k] = mask(v)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, v := range x {
				out[i] = mask(v)
			}
			return out
		case string:
			if red(x) != x || tokenPattern.MatchString(x) {
				return secretMask
			}
		case json.Number:
			if red(x.String()) != x.String() {
				return secretMask
			}
		}
		return v
	}
	out, _ := mask(m).(map[string]any)
	return out
}

// secretMask is how the redactor shows a secret value.
const secretMask = "***"

// tokenPattern finds compact JWS-shaped strings: three dot-separated base64url segments, the
// last (the signature) possibly masked or empty. A match is a token only if its first two
// segments decode to JSON objects.
var tokenPattern = regexp.MustCompile(`[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)

// tokenView is one token of a failure's exchanges, decoded.
type tokenView struct {
	Var    string // the shell variable that stands for it in the reproduction: ACCESS, REFRESH, TOKEN_1
	Masked string // the token as the exchange shows it, shortened
	Header string // its header, as JSON
	Claims string // its claims, as JSON, a claim holding a secret or token masked
	Times  []string
}

// tokenNames gives each distinct token of a failure its shell variable. ACCESS and REFRESH
// go to the first access and refresh tokens the server issued (seen in an answer) or, when the
// failure shows no answer that issued one, to the first signed token of that type it sent; any
// other token, unsigned or a second one of its type (one the suite altered or forged), is
// TOKEN_1, TOKEN_2, …
type tokenNames struct {
	byToken map[string]string
	taken   map[string]bool
	others  int
}

func newTokenNames(exchanges []string) *tokenNames {
	n := &tokenNames{byToken: map[string]string{}, taken: map[string]bool{}}
	for _, ex := range exchanges {
		answer := false
		for _, l := range strings.Split(ex, "\n") {
			answer = answer || strings.HasPrefix(l, answerBanner)
			if !answer {
				continue
			}
			for _, tok := range tokenPattern.FindAllString(l, -1) {
				if _, claims, ok := decodeToken(tok); ok {
					tokenType, _ := claims["token_type"].(string)
					n.name(tok, tokenType)
				}
			}
		}
	}
	return n
}

func (n *tokenNames) name(tok, tokenType string) string {
	if v, ok := n.byToken[tok]; ok {
		return v
	}
	v := strings.ToUpper(tokenType)
	if (v != "ACCESS" && v != "REFRESH") || n.taken[v] || strings.HasSuffix(tok, ".") {
		n.others++
		v = fmt.Sprintf("TOKEN_%d", n.others)
	}
	n.taken[v] = true
	n.byToken[tok] = v
	return v
}

// decodeToken reads a token's header and claims; ok is false for anything that is not one.
func decodeToken(tok string) (header, claims map[string]any, ok bool) {
	segs := strings.Split(tok, ".")
	if len(segs) != 3 {
		return nil, nil, false
	}
	for i, into := range []*map[string]any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(segs[i], "="))
		if err != nil {
			return nil, nil, false
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(into); err != nil || *into == nil {
			return nil, nil, false
		}
	}
	return header, claims, true
}

// attach splits a transcript into its exchanges, decodes the tokens in them and writes the
// reproduction.
func (e evidence) attach(f *failure, transcript string) {
	transcript = strings.TrimRight(transcript, "\n")
	if strings.TrimSpace(transcript) == "" {
		return
	}
	f.Exchanges = splitExchanges(transcript)
	names := newTokenNames(f.Exchanges)
	seen := map[string]bool{}
	for _, tok := range tokenPattern.FindAllString(transcript, -1) {
		header, claims, ok := decodeToken(tok)
		if !ok || seen[tok] {
			continue
		}
		seen[tok] = true
		tokenType, _ := claims["token_type"].(string)
		v := tokenView{Var: names.name(tok, tokenType), Masked: shorten(tok), Header: e.red(jsonText(header)), Claims: e.red(jsonText(e.claims(claims)))}
		for _, c := range []string{"exp", "iat", "nbf"} {
			if n, ok := claims[c].(json.Number); ok {
				if secs, err := n.Int64(); err == nil {
					v.Times = append(v.Times, fmt.Sprintf("%s %d = %s", c, secs, time.Unix(secs, 0).UTC().Format("2006-01-02 15:04:05 UTC")))
				}
			}
		}
		f.Tokens = append(f.Tokens, v)
	}
	f.Curl = e.curl(f.Exchanges, names)
}

// splitExchanges cuts a transcript at each request banner.
func splitExchanges(transcript string) []string {
	var out []string
	var cur []string
	for _, line := range strings.Split(transcript, "\n") {
		if strings.HasPrefix(line, requestBanner) && len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = nil
		}
		cur = append(cur, line)
	}
	return append(out, strings.Join(cur, "\n"))
}

// The banners of a transcript (httpx.Exchange.Transcript).
const (
	requestBanner  = "── request ("
	answerBanner   = "── answer "
	noAnswerBanner = "── no answer"
)

var headerLine = regexp.MustCompile(`^([A-Za-z0-9-]+): (.*)$`)

// skippedHeaders are set by curl itself, or hold nothing a reproduction needs.
var skippedHeaders = map[string]bool{"Content-Length": true, "User-Agent": true, "Accept-Encoding": true, "Host": true, "Cookie": true}

// curl writes one curl command per request of the exchanges. The base URL, the log-in email
// and password and every token are shell variables, never values: the report never holds a
// credential, and the command works against another deployment as it is.
func (e evidence) curl(exchanges []string, names *tokenNames) string {
	var cmds []string
	used := map[string]bool{}
	for _, ex := range exchanges {
		lines := strings.Split(ex, "\n")
		method, target, ok := parseRequestLine(lines[0])
		if !ok {
			continue
		}
		words := []string{"curl -sS -i -X " + method + " " + e.url(target, used)}
		var body []string
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, answerBanner) || strings.HasPrefix(l, noAnswerBanner) {
				break
			}
			if m := headerLine.FindStringSubmatch(l); m != nil && body == nil {
				if !skippedHeaders[m[1]] {
					auth := strings.EqualFold(m[1], "Authorization")
					words = append(words, "-H "+e.word(m[1]+": "+m[2], auth, names, used))
				}
				continue
			}
			body = append(body, l)
		}
		if b := strings.Join(body, "\n"); b != "" {
			words = append(words, "--data-raw "+e.word(b, false, names, used))
			if strings.HasSuffix(b, " more bytes)") {
				words[len(words)-1] += " # the report keeps only the start of this body"
			}
		}
		cmds = append(cmds, strings.Join(words, " \\\n  "))
	}
	if len(cmds) == 0 {
		return ""
	}
	var vars []string
	for _, v := range []string{"ZS_BASE_URL", "ZS_EMAIL", "ZS_PASSWORD"} {
		if used[v] {
			vars = append(vars, "$"+v)
		}
	}
	head := ""
	if len(vars) > 0 {
		head = "# " + strings.Join(vars, ", ") + ": as for the run.\n"
	}
	var toks []string
	for _, v := range []string{"ACCESS", "REFRESH"} {
		if used[v] {
			toks = append(toks, "$"+v)
		}
	}
	if len(toks) > 0 {
		head += "# " + strings.Join(toks, " and ") + ": from a log-in (the create request's answer).\n"
	}
	if len(toks) > 0 && names.others > 0 {
		head += "# A token the suite altered or forged is not a log-in's: compare the decoded claims above.\n"
	}
	for v := range used {
		if strings.HasPrefix(v, "TOKEN") {
			head += "# $TOKEN, $TOKEN_n: a token the suite sent, decoded above: rebuild it from its header and claims.\n"
			break
		}
	}
	return head + strings.Join(cmds, "\n")
}

// parseRequestLine reads "── request (step) METHOD URL".
func parseRequestLine(l string) (method, target string, ok bool) {
	rest, ok := strings.CutPrefix(l, requestBanner)
	if !ok {
		return "", "", false
	}
	_, rest, ok = strings.Cut(rest, ") ")
	if !ok {
		return "", "", false
	}
	method, target, ok = strings.Cut(rest, " ")
	return method, target, ok && method != ""
}

// url is the request's URL as "$ZS_BASE_URL" and its path and query.
func (e evidence) url(target string, used map[string]bool) string {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return shellQuote(target)
	}
	used["ZS_BASE_URL"] = true
	rest := u.EscapedPath()
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	return `"$ZS_BASE_URL"` + shellQuote(rest)
}

// word is s as one shell word: its text single-quoted, and every token, masked secret and the
// log-in email a double-quoted variable. In an Authorization header a masked value is a token.
func (e evidence) word(s string, authorization bool, names *tokenNames, used map[string]bool) string {
	type span struct {
		start, end int
		v          string
	}
	var spans []span
	for _, m := range tokenPattern.FindAllStringIndex(s, -1) {
		if _, claims, ok := decodeToken(s[m[0]:m[1]]); ok {
			tokenType, _ := claims["token_type"].(string)
			spans = append(spans, span{m[0], m[1], names.name(s[m[0]:m[1]], tokenType)})
		}
	}
	// A password field's value is the password, masked or not (a report without a redactor).
	for _, m := range passwordField.FindAllStringSubmatchIndex(s, -1) {
		spans = append(spans, span{m[2], m[3], "ZS_PASSWORD"})
	}
	secret := "ZS_PASSWORD"
	if authorization {
		secret = "TOKEN"
	}
	for _, lit := range []struct{ text, v string }{{secretMask, secret}, {e.email, "ZS_EMAIL"}} {
		if lit.text == "" {
			continue
		}
		for i := 0; ; {
			j := strings.Index(s[i:], lit.text)
			if j < 0 {
				break
			}
			start := i + j
			inside := false
			for _, sp := range spans {
				if start < sp.end && start+len(lit.text) > sp.start {
					inside = true
				}
			}
			if !inside {
				spans = append(spans, span{start, start + len(lit.text), lit.v})
			}
			i = start + len(lit.text)
		}
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].start < spans[b].start })
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		if sp.start < at {
			continue
		}
		// A JSON string value takes its quotes into the variable's word ("\"$VAR\""), so
		// that no "password":"…" stands in the command for a redactor to mask as a value.
		quoted := sp.start > at && s[sp.start-1] == '"' && sp.end < len(s) && s[sp.end] == '"'
		if quoted {
			sp.start--
			sp.end++
		}
		if sp.start > at {
			b.WriteString(shellQuote(s[at:sp.start]))
		}
		if quoted {
			b.WriteString(`"\"$` + sp.v + `\""`)
		} else {
			b.WriteString(`"$` + sp.v + `"`)
		}
		used[sp.v] = true
		at = sp.end
	}
	if at < len(s) || at == 0 {
		b.WriteString(shellQuote(s[at:]))
	}
	return b.String()
}

// passwordField finds the value of a JSON "password" field.
var passwordField = regexp.MustCompile(`"password"\s*:\s*"((?:[^"\\]|\\.)*)"`)

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shorten keeps a masked token recognisable beside its exchange without repeating it whole.
func shorten(tok string) string {
	segs := strings.Split(tok, ".")
	if len(segs[0])+len(segs[1]) > 24 {
		return segs[0][:min(12, len(segs[0]))] + "…" + segs[1][max(0, len(segs[1])-12):] + "." + segs[2]
	}
	return tok
}

// jsonText is v as compact JSON with its keys sorted.
func jsonText(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}
