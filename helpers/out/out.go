// Package out is the one door every byte of a run leaves by: console lines, Ginkgo's failure
// and skip messages, report entries (and so JUnit and Ginkgo's JSON report), the conformance
// reports, verdicts.json and recorded fixtures. Each passes the run's redactor on its way out,
// so a secret the redactor knows, in any of its encodings, or a token it can recognise never
// reaches a terminal, a CI log or a file. Code of the suite writes nothing any other way; a test
// of this package fails when it does.
package out

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sync"

	"github.com/onsi/ginkgo/v2"

	"github.com/zonesmart/jwt-conformance/helpers/redact"
)

// Door writes through one redactor. Its methods are safe for concurrent use.
type Door struct {
	r      *redact.Redactor
	mu     sync.Mutex
	stdout *redact.LineWriter
	stderr *redact.LineWriter
}

// New returns a door that redacts with r and writes console output to stdout and stderr.
func New(r *redact.Redactor, stdout, stderr io.Writer) *Door {
	return &Door{r: r, stdout: r.Writer(stdout), stderr: r.Writer(stderr)}
}

// Std is a door onto the process's own standard output and error.
func Std(r *redact.Redactor) *Door { return New(r, os.Stdout, os.Stderr) }

// Redactor is the door's redactor: what it learns (a token, a secret) is masked from then on in
// everything the door writes.
func (d *Door) Redactor() *redact.Redactor { return d.r }

// Redact masks what the redactor knows in s.
func (d *Door) Redact(s string) string { return d.r.String(s) }

// Stdout is a redacting writer onto standard output; lines are written whole.
func (d *Door) Stdout() io.Writer { return lockedWriter{d, d.stdout} }

// Stderr is a redacting writer onto standard error.
func (d *Door) Stderr() io.Writer { return lockedWriter{d, d.stderr} }

// Printf writes a line (or lines) to standard output.
func (d *Door) Printf(format string, a ...any) {
	d.line(d.stdout, fmt.Sprintf(format, a...))
}

// Errorf writes a line (or lines) to standard error.
func (d *Door) Errorf(format string, a ...any) {
	d.line(d.stderr, fmt.Sprintf(format, a...))
}

func (d *Door) line(w *redact.LineWriter, s string) {
	if s == "" || s[len(s)-1] != '\n' {
		s += "\n"
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	_, _ = io.WriteString(w, s)
	_ = w.Sync()
}

// Flush writes out anything a writer still holds back (a line without its newline).
func (d *Door) Flush() {
	d.mu.Lock()
	defer d.mu.Unlock()
	_ = d.stdout.Sync()
	_ = d.stderr.Sync()
}

type lockedWriter struct {
	d *Door
	w *redact.LineWriter
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.d.mu.Lock()
	defer l.d.mu.Unlock()
	return l.w.Write(p)
}

// Fail fails the running Ginkgo node with msg, redacted. The failure is reported at the caller's
// caller, as Ginkgo's own Fail does with an offset.
func (d *Door) Fail(msg string) {
	ginkgo.Fail(d.r.String(msg), 1)
}

// FailHandler is Gomega's fail handler through the door: Gomega's messages quote the values
// they compare, so they are redacted like every other failure.
func (d *Door) FailHandler() func(message string, callerSkip ...int) {
	return func(message string, callerSkip ...int) {
		skip := 1
		if len(callerSkip) > 0 {
			skip += callerSkip[0]
		}
		ginkgo.Fail(d.r.String(message), skip)
	}
}

// Skip skips the running spec with msg, redacted.
func (d *Door) Skip(msg string) {
	ginkgo.Skip(d.r.String(msg), 1)
}

// Entry attaches a report entry whose value is redacted: a string as text, any other value
// through its JSON form (Ginkgo keeps entry values as JSON), decoded back into its own type so
// the report can read it as data. args are Ginkgo's entry decorations (visibility).
func (d *Door) Entry(name string, value any, args ...any) {
	ginkgo.AddReportEntry(name, append([]any{d.redactValue(value), ginkgo.Offset(1)}, args...)...)
}

func (d *Door) redactValue(value any) any {
	switch v := value.(type) {
	case nil:
		return nil
	case string:
		return d.r.String(v)
	}
	// A struct stays a struct (the report decodes verdicts as data); its String method, which
	// Ginkgo shows on the console, then renders the redacted fields.
	data, err := json.Marshal(value)
	if err != nil {
		return d.r.String(fmt.Sprintf("%+v", value))
	}
	clean := d.r.String(string(data))
	t := reflect.TypeOf(value)
	ptr := reflect.New(t)
	if err := json.Unmarshal([]byte(clean), ptr.Interface()); err != nil {
		// The mask broke the value's form: keep it as redacted text rather than lose it.
		return clean
	}
	return ptr.Elem().Interface()
}

// WriteFile writes data, redacted, to path (its directory is made if missing). The file is
// written beside its place and renamed into it, so a reader never sees half a report.
func (d *Door) WriteFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := d.write(tmp, data, os.O_WRONLY|os.O_CREATE|os.O_TRUNC); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// CreateFile writes data, redacted, to a new file at path; it fails if the file exists, so two
// processes never write one file.
func (d *Door) CreateFile(path string, data []byte) error {
	return d.write(path, data, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
}

func (d *Door) write(path string, data []byte, flag int) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, d.r.String(string(data))); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// AppendFile appends data, redacted, to the file at path (GitHub's step summary and output
// files are appended to).
func (d *Door) AppendFile(path string, data []byte) error {
	return d.write(path, data, os.O_WRONLY|os.O_CREATE|os.O_APPEND)
}
