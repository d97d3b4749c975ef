// Package ghaction speaks GitHub Actions' workflow commands and files for a run: annotations
// for the clauses that failed or warned, the step's outputs, the job summary, and masks for
// the secrets. It writes only to the writers it is given, so that the caller's one redacting
// output stays the only way out; nothing here prints on its own.
package ghaction

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/zonesmart/jwt-conformance/helpers/out"
	redactor "github.com/zonesmart/jwt-conformance/helpers/redact"
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
)

// MaxMessage bounds an annotation's text, in characters, before escaping: GitHub shows
// annotations in a narrow list, and a server's answer must not be able to flood it.
const MaxMessage = 300

// MaxSummary bounds what one step appends to the job summary: GitHub refuses a step summary
// over 1 MiB, and would then show nothing at all.
const MaxSummary = 1000 * 1024

// Output names, as action.yml declares them.
const (
	OutputVerdict       = "verdict"
	OutputFailedClauses = "failed-clauses"
	OutputReportDir     = "report-dir"
)

// Level is an annotation's kind.
type Level string

const (
	Error   Level = "error"
	Warning Level = "warning"
	Notice  Level = "notice"
)

// EscapeData escapes a workflow command's message as the runner unescapes it.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// EscapeProperty escapes a workflow command's property value (title=…), where ':' and ','
// would end the value.
func EscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// Mask writes an ::add-mask:: command for each secret, so that the runner hides it in every
// later log line. The runner masks line by line, so a value over several lines (a PEM key) is
// masked one line at a time. Empty values and lines are skipped: masking "" would mean nothing.
func Mask(w io.Writer, secrets ...string) error {
	var b strings.Builder
	for _, s := range secrets {
		for _, line := range strings.Split(s, "\n") {
			line = strings.TrimRight(line, "\r")
			if strings.TrimSpace(line) == "" {
				continue
			}
			b.WriteString("::add-mask::" + EscapeData(line) + "\n")
		}
	}
	return write(w, "masks", b.String())
}

// Annotation writes one ::error, ::warning or ::notice command. Title and message are
// redacted, folded into one line and bounded before they are escaped.
func Annotation(w io.Writer, level Level, title, message string, redact func(string) string) error {
	line := fmt.Sprintf("::%s title=%s::%s\n", level, EscapeProperty(clean(title, redact, 100)), EscapeData(clean(message, redact, MaxMessage)))
	return write(w, "annotation", line)
}

// clean redacts s, folds it into one line of at most max characters, and redacts again: a
// secret split over two lines becomes whole again once folded.
func clean(s string, redact func(string) string, max int) string {
	if redact == nil {
		redact = func(s string) string { return s }
	}
	s = redact(verdicts.OneLine(redact(s), len(s)+1))
	return verdicts.OneLine(s, max)
}

// Annotate writes one annotation per clause that needs a reader's eye: an error for each
// failed clause (a MUST, or a SHOULD in strict mode) and for each the environment broke, a
// warning for each SHOULD that warned, a notice for each waived deviation. Errors come first:
// GitHub shows only the first ten of each kind beside the job.
func Annotate(w io.Writer, f *verdicts.File, redact func(string) string) error {
	type note struct {
		level          Level
		title, message string
	}
	var notes []note
	for _, c := range f.Clauses {
		reason := c.Reason
		if reason == "" {
			reason = "no reason was recorded; see the conformance report"
		}
		where := fmt.Sprintf("%s, %s", c.Severity, c.Endpoint)
		switch c.Verdict {
		case verdicts.Fail:
			notes = append(notes, note{Error, c.ID, fmt.Sprintf("failed (%s): %s", where, reason)})
		case verdicts.Broken:
			notes = append(notes, note{Error, c.ID, fmt.Sprintf("not judged: the environment broke, not the target (%s): %s", where, reason)})
		case verdicts.Warn:
			notes = append(notes, note{Warning, c.ID, fmt.Sprintf("warning (%s): %s", where, reason)})
		case verdicts.Waived:
			until := ""
			if c.Waiver != nil {
				until = " until " + c.Waiver.Expires
			}
			notes = append(notes, note{Notice, c.ID, fmt.Sprintf("waived%s (%s): %s", until, where, reason)})
		}
	}
	rank := map[Level]int{Error: 0, Warning: 1, Notice: 2}
	slices.SortStableFunc(notes, func(a, b note) int { return rank[a.level] - rank[b.level] })
	for _, n := range notes {
		if err := Annotation(w, n.level, n.title, n.message, redact); err != nil {
			return err
		}
	}
	return nil
}

var outputName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// SetOutput appends one step output to the GITHUB_OUTPUT file in its multi-line form,
// name<<DELIMITER, value, DELIMITER, with a random delimiter that the value does not contain:
// a value can then hold any text, line breaks included, and never set another output.
func SetOutput(w io.Writer, name, value string) error {
	if !outputName.MatchString(name) {
		return fmt.Errorf("output name %q is not a valid GitHub Actions output name", name)
	}
	// 128 random bits do not collide with a value by chance; the bound only keeps a broken
	// random source from looping forever.
	for range 8 {
		var nonce [16]byte
		if _, err := rand.Read(nonce[:]); err != nil {
			return fmt.Errorf("output %s: no random delimiter: %v", name, err)
		}
		delimiter := "ghadelimiter_" + hex.EncodeToString(nonce[:])
		if !strings.Contains(value, delimiter) {
			return write(w, "output "+name, name+"<<"+delimiter+"\n"+value+"\n"+delimiter+"\n")
		}
	}
	return fmt.Errorf("output %s: no delimiter found that its value does not contain", name)
}

// WriteOutputs sets the action's outputs: the run's outcome, the failed clauses comma-
// separated (empty when none failed), and the reports directory.
func WriteOutputs(w io.Writer, outcome verdicts.Outcome, failed []string, reportDir string) error {
	for _, o := range []struct{ name, value string }{
		{OutputVerdict, string(outcome)},
		{OutputFailedClauses, strings.Join(failed, ",")},
		{OutputReportDir, reportDir},
	} {
		if err := SetOutput(w, o.name, o.value); err != nil {
			return err
		}
	}
	return nil
}

// AppendSummary appends Markdown to the job summary, redacted, cut at a line boundary below
// MaxSummary with a line that says where the rest is.
func AppendSummary(w io.Writer, markdown string, redact func(string) string) error {
	if redact != nil {
		markdown = redact(markdown)
	}
	const note = "\n\n*The report was cut here to fit GitHub's job summary; the full report is in the reports directory.*\n"
	if len(markdown) > MaxSummary {
		cut := markdown[:MaxSummary-len(note)]
		for !utf8.ValidString(cut) {
			cut = cut[:len(cut)-1]
		}
		if i := strings.LastIndexByte(cut, '\n'); i > 0 {
			cut = cut[:i]
		}
		markdown = cut + note
	}
	if !strings.HasSuffix(markdown, "\n") {
		markdown += "\n"
	}
	return write(w, "job summary", markdown)
}

// Step is where one step's results go. Log is the step's standard output, where workflow
// commands are read; Output and Summary are the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files,
// or nil to leave them alone. Redact masks secrets in everything written.
type Step struct {
	Log     io.Writer
	Output  io.Writer
	Summary io.Writer
	Redact  func(string) string
}

// Result is what a run hands over to the step.
type Result struct {
	// Verdicts is the run's verdicts; nil when the run ended before any clause (a usage
	// error, or a target that could not be tested).
	Verdicts *verdicts.File
	// Outcome is the run's outcome when Verdicts is nil; otherwise Verdicts.Run.Outcome is.
	Outcome verdicts.Outcome
	// Problem is the one line that says why the run could not test, broke, or was refused
	// its configuration; it becomes an error annotation. Empty for a run that judged.
	Problem string
	// ReportDir is the absolute path of the reports directory, for the report-dir output.
	ReportDir string
	// Markdown is the conformance report for the job summary; empty writes a short one.
	Markdown string
}

// Publish writes a run's annotations, outputs and job summary, in that order.
func (s Step) Publish(r Result) error {
	if s.Log == nil {
		return errors.New("ghaction: no log writer for the workflow commands")
	}
	outcome, failed := r.Outcome, []string(nil)
	if r.Verdicts != nil {
		outcome, failed = r.Verdicts.Run.Outcome, r.Verdicts.Failed()
	}
	if r.Problem != "" {
		if err := Annotation(s.Log, Error, "jwt-conformance: "+string(outcome), r.Problem, s.Redact); err != nil {
			return err
		}
	}
	if r.Verdicts != nil {
		if err := Annotate(s.Log, r.Verdicts, s.Redact); err != nil {
			return err
		}
	}
	if s.Output != nil {
		if err := WriteOutputs(s.Output, outcome, failed, r.ReportDir); err != nil {
			return err
		}
	}
	if s.Summary != nil {
		md := r.Markdown
		if md == "" {
			md = shortSummary(outcome, r.Problem, failed)
		}
		if err := AppendSummary(s.Summary, md, s.Redact); err != nil {
			return err
		}
	}
	return nil
}

func shortSummary(outcome verdicts.Outcome, problem string, failed []string) string {
	s := fmt.Sprintf("## JWT conformance: %s\n", outcome)
	if problem != "" {
		s += "\n" + verdicts.OneLine(problem, MaxMessage) + "\n"
	}
	if len(failed) > 0 {
		s += "\nFailed clauses: `" + strings.Join(failed, "`, `") + "`\n"
	}
	return s
}

// Files are the runner's GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, as writers that append
// every write, redacted, through a door; a field is nil when its variable is unset.
type Files struct {
	Output, Summary io.Writer
}

// OpenFiles is OpenFilesWith through a door of its own, which masks every token it recognises
// by shape; a run passes its own door, which knows its secrets.
func OpenFiles(getenv func(string) string) (*Files, error) {
	return OpenFilesWith(out.New(redactor.New(), io.Discard, io.Discard), getenv)
}

// OpenFilesWith checks that the files the runner names in its environment can be appended
// to, and returns writers that append to them through d.
func OpenFilesWith(d *out.Door, getenv func(string) string) (*Files, error) {
	var f Files
	for _, v := range []struct {
		name string
		w    *io.Writer
	}{{"GITHUB_OUTPUT", &f.Output}, {"GITHUB_STEP_SUMMARY", &f.Summary}} {
		path := getenv(v.name)
		if path == "" {
			continue
		}
		if err := d.AppendFile(path, nil); err != nil {
			return nil, fmt.Errorf("%s names a file that cannot be opened: %v", v.name, err)
		}
		*v.w = appender{d, path}
	}
	return &f, nil
}

// appender appends each write, redacted, to a file: the runner reads these files only after the
// step, so opening one per write costs nothing that matters.
type appender struct {
	d    *out.Door
	path string
}

func (a appender) Write(p []byte) (int, error) {
	if err := a.d.AppendFile(a.path, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close is kept for callers of OpenFiles: every write is complete when it returns.
func (f *Files) Close() error { return nil }

// Writer returns the file as an io.Writer, or nil when it is not open, so that a missing file
// is skipped by Step rather than written through a nil *os.File.
func Writer(f *os.File) io.Writer {
	if f == nil {
		return nil
	}
	return f
}

func write(w io.Writer, what, s string) error {
	if s == "" {
		return nil
	}
	if _, err := io.WriteString(w, s); err != nil {
		return fmt.Errorf("writing the %s for GitHub Actions: %v", what, err)
	}
	return nil
}
