// Package verdicts is the small, stable, machine-readable record of a run: verdicts.json,
// with what was tested and one verdict per clause. CI, dashboards and the next run's
// --baseline read it; its schema is documented in SCHEMA.md and verdicts.schema.json, and
// changes to it only by adding fields (a rename or a change of meaning is a new schema).
package verdicts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/out"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

// Schema names this format and its major version; a reader refuses any other.
const Schema = "jwt-conformance/verdicts/v1"

// FileName is the file's name inside the reports directory.
const FileName = "verdicts.json"

// MaxReason bounds a clause's reason, in characters, so that the file stays small whatever a
// server answers; the full story is in the conformance reports.
const MaxReason = 240

// Mode is what the run tested.
type Mode string

const (
	ModeLive   Mode = "live"    // a server at a base URL
	ModeReplay Mode = "replay"  // recorded fixtures
	ModePage   Mode = "page"    // the API page's own examples
	ModeDryRun Mode = "dry-run" // nothing was sent; no clause was judged
)

// Outcome is the run's verdict as a whole.
type Outcome string

const (
	OutcomePass         Outcome = "pass"           // no clause failed
	OutcomeFail         Outcome = "fail"           // the target failed at least one clause
	OutcomeUsage        Outcome = "usage"          // bad flags or configuration: nothing was tested
	OutcomeCouldNotTest Outcome = "could-not-test" // the target could not be reached or logged in to
	OutcomeBroken       Outcome = "broken"         // the environment failed during the run
)

// ExitCode is the process status that goes with an outcome, the same at every door (CLI,
// action, make): 0 pass, 1 a clause failed, 2 usage or configuration, 3 could not test. A
// broken run is 3 too: the target was not fully tested. An unknown outcome answers -1.
func (o Outcome) ExitCode() int {
	switch o {
	case OutcomePass:
		return 0
	case OutcomeFail:
		return 1
	case OutcomeUsage:
		return 2
	case OutcomeCouldNotTest, OutcomeBroken:
		return 3
	}
	return -1
}

// OutcomeOf is the outcome of a run that judged these clauses: fail when the target failed
// any clause, even if the environment broke others (a failure the target caused stands);
// broken when the environment broke a clause and none failed; pass otherwise. Usage and
// could-not-test end a run before any clause, so they are the caller's to set.
func OutcomeOf(cls []Clause) Outcome {
	outcome := OutcomePass
	for _, c := range cls {
		switch c.Verdict {
		case Fail:
			return OutcomeFail
		case Broken:
			outcome = OutcomeBroken
		}
	}
	return outcome
}

// Verdict is one clause's verdict: the suite's one vocabulary of verdicts.
type Verdict = verdict.Kind

const (
	Pass   = verdict.Pass
	Fail   = verdict.Fail   // a MUST broken, or a SHOULD broken in strict mode
	Warn   = verdict.Warn   // a SHOULD broken
	Waived = verdict.Waived // broken, but the deviation is accepted until the waiver expires
	Skip   = verdict.Skip   // could not be judged in this mode; the reason says what is missing
	NotRun = verdict.NotRun // left out by a label filter, or a dry run
	Broken = verdict.Broken // the environment failed while judging it: says nothing of the target
)

var (
	modes    = []Mode{ModeLive, ModeReplay, ModePage, ModeDryRun}
	outcomes = []Outcome{OutcomePass, OutcomeFail, OutcomeUsage, OutcomeCouldNotTest, OutcomeBroken}
	kinds    = verdict.Kinds
)

// ParseVerdict reads a verdict, also in the spelling of the conformance reports ("not run").
func ParseVerdict(s string) (Verdict, error) {
	v := Verdict(strings.ReplaceAll(strings.TrimSpace(s), " ", "-"))
	if !slices.Contains(kinds, v) {
		return "", fmt.Errorf("verdict %q is not one of %s", s, join(kinds))
	}
	return v, nil
}

// File is the content of verdicts.json.
type File struct {
	Schema  string   `json:"schema"`
	Run     Run      `json:"run"`
	Clauses []Clause `json:"clauses"`
}

// Run is what was tested, when, by which suite, and how it ended.
type Run struct {
	Mode Mode `json:"mode"`
	// Target is the base URL without userinfo, query or fragment; for a replay, the fixture
	// directory; for the page's examples, the page.
	Target       string    `json:"target"`
	Started      time.Time `json:"started"`
	Finished     time.Time `json:"finished"`
	SuiteVersion string    `json:"suite_version"`
	Requests     int       `json:"requests"` // HTTP requests made; a replay answers them from fixtures
	Outcome      Outcome   `json:"outcome"`
	ExitCode     int       `json:"exit_code"`
}

// Clause is one clause's verdict.
type Clause struct {
	ID       string           `json:"id"`
	Severity clauses.Severity `json:"severity"`
	Endpoint string           `json:"endpoint"`
	Verdict  Verdict          `json:"verdict"`
	// Reason is one line, at most MaxReason characters, already redacted: why it failed,
	// warned, was waived or skipped. Empty for a pass.
	Reason string  `json:"reason"`
	Waiver *Waiver `json:"waiver"` // the configured waiver of this clause, or null
}

// Waiver is an accepted deviation, as configured.
type Waiver struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires"` // YYYY-MM-DD: the last day (UTC) the waiver holds
}

// DateLayout is the layout of a waiver's expiry date.
const DateLayout = "2006-01-02"

// NewWaiver builds a waiver entry from a configured waiver.
func NewWaiver(reason string, expires time.Time) *Waiver {
	return &Waiver{Reason: OneLine(reason, MaxReason), Expires: expires.UTC().Format(DateLayout)}
}

// New returns a file of the current schema for a run and its clauses, normalised as Write
// would write it.
func New(run Run, cls []Clause) *File {
	f := &File{Schema: Schema, Run: run, Clauses: slices.Clone(cls)}
	f.normalize()
	return f
}

// normalize makes the invariants hold whatever the caller passed: UTC times to the second,
// a target without credentials, one-line bounded reasons, clauses sorted by ID.
func (f *File) normalize() {
	if f.Clauses == nil {
		f.Clauses = []Clause{}
	}
	f.Run.Target = CleanTarget(f.Run.Target)
	f.Run.Started = f.Run.Started.UTC().Truncate(time.Second)
	f.Run.Finished = f.Run.Finished.UTC().Truncate(time.Second)
	for i := range f.Clauses {
		c := &f.Clauses[i]
		c.Reason = OneLine(c.Reason, MaxReason)
		if c.Waiver != nil {
			w := *c.Waiver
			w.Reason = OneLine(w.Reason, MaxReason)
			c.Waiver = &w
		}
	}
	slices.SortStableFunc(f.Clauses, func(a, b Clause) int { return strings.Compare(a.ID, b.ID) })
}

// Validate reports, in one line, everything that makes f not a valid verdicts file.
func (f *File) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if f.Schema != Schema {
		add("schema %q is not %q", f.Schema, Schema)
	}
	r := f.Run
	if !slices.Contains(modes, r.Mode) {
		add("run.mode %q is not one of %s", r.Mode, join(modes))
	}
	if !slices.Contains(outcomes, r.Outcome) {
		add("run.outcome %q is not one of %s", r.Outcome, join(outcomes))
	} else if r.ExitCode != r.Outcome.ExitCode() {
		add("run.exit_code %d does not go with run.outcome %q (which exits %d)", r.ExitCode, r.Outcome, r.Outcome.ExitCode())
	}
	if r.Started.IsZero() {
		add("run.started is missing")
	}
	if r.Finished.Before(r.Started) {
		add("run.finished %s is before run.started %s", r.Finished.Format(time.RFC3339), r.Started.Format(time.RFC3339))
	}
	if r.SuiteVersion == "" {
		add("run.suite_version is missing")
	}
	if r.Requests < 0 {
		add("run.requests %d is negative", r.Requests)
	}
	if u, err := url.Parse(r.Target); err == nil && u.User != nil {
		add("run.target carries credentials")
	}
	seen := map[string]bool{}
	for i, c := range f.Clauses {
		at := fmt.Sprintf("clauses[%d]", i)
		if c.ID != "" {
			at += " (" + c.ID + ")"
		}
		switch {
		case c.ID == "":
			add("%s: id is missing", at)
		case seen[c.ID]:
			add("%s: the clause is listed twice", at)
		}
		seen[c.ID] = true
		if c.Severity != clauses.Must && c.Severity != clauses.Should {
			add("%s: severity %q is not MUST or SHOULD", at, c.Severity)
		}
		if !slices.Contains(kinds, c.Verdict) {
			add("%s: verdict %q is not one of %s", at, c.Verdict, join(kinds))
		}
		if strings.ContainsAny(c.Reason, "\r\n") {
			add("%s: reason is more than one line", at)
		}
		if c.Waiver != nil {
			if _, err := time.Parse(DateLayout, c.Waiver.Expires); err != nil {
				add("%s: waiver.expires %q is not a date (YYYY-MM-DD)", at, c.Waiver.Expires)
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	const shown = 3
	if len(problems) > shown {
		problems = append(problems[:shown], fmt.Sprintf("and %d more", len(problems)-shown))
	}
	return errors.New(strings.Join(problems, "; "))
}

// Marshal returns the file as written: normalised, validated, indented JSON ending in a
// newline, with the fields in the documented order.
func (f *File) Marshal() ([]byte, error) {
	c := *f
	c.Clauses = slices.Clone(f.Clauses)
	c.normalize()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("verdicts not written: %v", err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // reasons quote answers such as "<html>"; keep them readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(&c); err != nil {
		return nil, fmt.Errorf("verdicts not written: %v", err)
	}
	return b.Bytes(), nil
}

// Write writes f to path, replacing any older file whole: a reader never sees half a file. It
// writes through a door of its own, which masks every token it recognises by shape; a run
// writes through its own door, which knows its secrets, with WriteWith.
func Write(path string, f *File) error {
	return WriteWith(out.New(redact.New(), io.Discard, io.Discard).WriteFile, path, f)
}

// WriteWith writes f to path with write, such as a run's out.Door.WriteFile, which redacts it
// and replaces any older file whole.
func WriteWith(write func(path string, data []byte) error, path string, f *File) error {
	data, err := f.Marshal()
	if err != nil {
		return err
	}
	if err := write(path, data); err != nil {
		return fmt.Errorf("writing %s: %v (is the reports directory writable?)", path, err)
	}
	return nil
}

// Read reads and validates a verdicts file, such as the one --baseline names. Fields it does
// not know are ignored: a later v1 may add some.
func Read(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file: give the verdicts.json of an earlier run", path)
		}
		return nil, fmt.Errorf("reading %s: %v", path, err)
	}
	defer f.Close()
	// A verdicts file is a few KiB; whatever else was named is not read whole.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s is larger than %d MiB, far more than a verdicts file: give the verdicts.json of an earlier run", path, MaxFileSize>>20)
	}
	return Parse(path, data)
}

// MaxFileSize bounds what Read reads: a real file is a few KiB.
const MaxFileSize = 4 << 20

// Parse is Read on bytes already read; name says where they came from, for errors.
func Parse(name string, data []byte) (*File, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s is empty: give the verdicts.json of an earlier run", name)
	}
	var probe struct {
		Schema *string `json:"schema"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%s is not a verdicts file: %s", name, jsonError(data, err))
	}
	switch {
	case probe.Schema == nil:
		return nil, fmt.Errorf("%s is not a verdicts file: it has no \"schema\" field (want %q); give the verdicts.json of an earlier run, not another report", name, Schema)
	case *probe.Schema != Schema && strings.HasPrefix(*probe.Schema, "jwt-conformance/verdicts/"):
		return nil, fmt.Errorf("%s has schema %q, and this suite reads %q: make the baseline with a suite of the same major version", name, *probe.Schema, Schema)
	case *probe.Schema != Schema:
		return nil, fmt.Errorf("%s is not a verdicts file: its schema is %q, not %q", name, *probe.Schema, Schema)
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s is not a valid verdicts file: %s", name, jsonError(data, err))
	}
	if f.Clauses == nil {
		f.Clauses = []Clause{}
	}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("%s is not a valid verdicts file: %v", name, err)
	}
	return &f, nil
}

// jsonError says where in the file a decoding error is, by line.
func jsonError(data []byte, err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON on line %d: %v", lineAt(data, syntax.Offset), syntax)
	case errors.As(err, &typ):
		return fmt.Sprintf("line %d: %s is a JSON %s, want %s", lineAt(data, typ.Offset), orValue(typ.Field), typ.Value, typ.Type)
	}
	return OneLine(err.Error(), MaxReason)
}

func orValue(field string) string {
	if field == "" {
		return "the file"
	}
	return field
}

func lineAt(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// CleanTarget drops the userinfo, query and fragment of a URL target, which may hold
// credentials; anything that is not a URL (a fixture directory) is kept as it is.
func CleanTarget(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return target
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// OneLine folds s into one line of at most max characters: line breaks, tabs and other
// control characters become spaces, runs of spaces collapse, and a cut ends in "…".
func OneLine(s string, max int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if max <= 0 {
		return ""
	}
	if r := []rune(s); len(r) > max {
		return strings.TrimRight(string(r[:max-1]), " ") + "…"
	}
	return s
}

// Failed lists the IDs of the clauses whose verdict is fail, sorted.
func (f *File) Failed() []string { return f.IDs(Fail) }

// IDs lists the IDs of the clauses with the given verdict, sorted.
func (f *File) IDs(v Verdict) []string {
	var ids []string
	for _, c := range f.Clauses {
		if c.Verdict == v {
			ids = append(ids, c.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// Counts counts the clauses by verdict.
func (f *File) Counts() map[Verdict]int {
	n := map[Verdict]int{}
	for _, c := range f.Clauses {
		n[c.Verdict]++
	}
	return n
}

func join[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
