package ghaction

import (
	"bufio"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
)

const (
	password   = "pa%ss:wo,rd\r\nline"
	signingKey = "-----BEGIN KEY-----\nc2lnbmluZy1rZXktbGluZS0x\nc2lnbmluZy1rZXktbGluZS0y\n-----END KEY-----\n"
)

// redact masks what the run's redactor would: the password, and each line of the key.
func redact(s string) string {
	s = strings.ReplaceAll(s, password, "***")
	s = strings.ReplaceAll(s, "pa%ss:wo,rd", "***")
	for _, line := range strings.Split(signingKey, "\n") {
		if strings.HasPrefix(line, "c2ln") {
			s = strings.ReplaceAll(s, line, "***")
		}
	}
	return s
}

func sample() *verdicts.File {
	start := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	return verdicts.New(verdicts.Run{Mode: verdicts.ModeLive, Target: "https://api.example.com", Started: start, Finished: start, SuiteVersion: "0.2.0", Outcome: verdicts.OutcomeFail, ExitCode: 1}, []verdicts.Clause{
		{ID: "REFRESH-METHOD", Severity: clauses.Must, Endpoint: "refresh", Verdict: verdicts.Fail, Reason: "405 Method Not Allowed; body echoed password=pa%ss:wo,rd"},
		{ID: "CLAIM-EXTRA", Severity: clauses.Should, Endpoint: "tokens", Verdict: verdicts.Warn, Reason: "claims jti, token_type: not on the page 100%"},
		{ID: "CREATE-SHAPE", Severity: clauses.Must, Endpoint: "create", Verdict: verdicts.Pass},
		{ID: "CREATE-STATUS", Severity: clauses.Should, Endpoint: "create", Verdict: verdicts.Fail, Reason: strings.Repeat("x", 1000)},
		{ID: "ME-SHAPE", Severity: clauses.Must, Endpoint: "me", Verdict: verdicts.Broken, Reason: "connection reset by peer"},
		{ID: "TIME-ISSUED", Severity: clauses.Must, Endpoint: "tokens", Verdict: verdicts.Waived, Reason: "iat 3s ahead", Waiver: &verdicts.Waiver{Reason: "clock", Expires: "2026-12-31"}},
		{ID: "TIME-SKIP", Severity: clauses.Must, Endpoint: "tokens", Verdict: verdicts.Skip, Reason: "needs the key"},
	})
}

func TestEscaping(t *testing.T) {
	for _, c := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"k: v, w", "k: v, w", "k%3A v%2C w"},
		{"%0A", "%250A", "%250A"}, // an escape sequence in the text stays text
	} {
		if got := EscapeData(c.in); got != c.data {
			t.Errorf("EscapeData(%q) = %q, want %q", c.in, got, c.data)
		}
		if got := EscapeProperty(c.in); got != c.prop {
			t.Errorf("EscapeProperty(%q) = %q, want %q", c.in, got, c.prop)
		}
	}
}

// unescape is what the runner does to a command's message.
func unescape(s string) string {
	return strings.NewReplacer("%25", "%", "%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",").Replace(s)
}

func TestAnnotateOnePerClauseThatNeedsAReader(t *testing.T) {
	var log strings.Builder
	if err := Annotate(&log, sample(), redact); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	want := []string{
		"::error title=CREATE-STATUS::failed (SHOULD, create): xxx",
		"::error title=ME-SHAPE::not judged: the environment broke, not the target (MUST, me): connection reset by peer",
		"::error title=REFRESH-METHOD::failed (MUST, refresh): 405 Method Not Allowed; body echoed password=***",
		"::warning title=CLAIM-EXTRA::warning (SHOULD, tokens): claims jti, token_type: not on the page 100%25",
		"::notice title=TIME-ISSUED::waived until 2026-12-31 (MUST, tokens): iat 3s ahead",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d annotations, want %d:\n%s", len(lines), len(want), log.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("annotation %d:\n got %q\nwant %q…", i, lines[i], w)
		}
		msg := unescape(lines[i][strings.Index(lines[i][2:], "::")+4:])
		if n := utf8.RuneCountInString(msg); n > MaxMessage {
			t.Errorf("annotation %d is %d characters, over %d", i, n, MaxMessage)
		}
	}
	if !strings.HasSuffix(lines[0], "x…") {
		t.Errorf("a long reason is not cut with an ellipsis: %q", lines[0])
	}
}

func TestAnnotationIsOneLineAndItsTitleCannotEndEarly(t *testing.T) {
	var log strings.Builder
	if err := Annotation(&log, Error, "A:B,C\nD", "first\r\nsecond\n::error::injected", nil); err != nil {
		t.Fatal(err)
	}
	got := log.String()
	if want := "::error title=A%3AB%2CC D::first second ::error::injected\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestASecretSplitOverLinesIsMaskedOnceFolded(t *testing.T) {
	secret := "two words"
	var log strings.Builder
	Annotation(&log, Error, "X-Y", "token two\nwords here", func(s string) string { return strings.ReplaceAll(s, secret, "***") })
	if strings.Contains(log.String(), "two") {
		t.Errorf("a secret folded whole from two lines was not masked: %q", log.String())
	}
}

func TestMaskEachLineOfEachSecret(t *testing.T) {
	var log strings.Builder
	if err := Mask(&log, password, "", signingKey); err != nil {
		t.Fatal(err)
	}
	want := "::add-mask::pa%25ss:wo,rd\n::add-mask::line\n" +
		"::add-mask::-----BEGIN KEY-----\n::add-mask::c2lnbmluZy1rZXktbGluZS0x\n::add-mask::c2lnbmluZy1rZXktbGluZS0y\n::add-mask::-----END KEY-----\n"
	if log.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", log.String(), want)
	}
}

// parseOutputs reads GITHUB_OUTPUT as the runner does: name=value lines and heredocs.
func parseOutputs(t *testing.T, content string) map[string]string {
	t.Helper()
	out, _ := parseOutputsAndDelimiters(content)
	return out
}

func parseOutputsAndDelimiters(content string) (map[string]string, []string) {
	out, delimiters := map[string]string{}, []string(nil)
	sc := bufio.NewScanner(strings.NewReader(content))
	for sc.Scan() {
		line := sc.Text()
		name, delimiter, ok := strings.Cut(line, "<<")
		if !ok {
			k, v, _ := strings.Cut(line, "=")
			out[k] = v
			continue
		}
		delimiters = append(delimiters, delimiter)
		var value []string
		for sc.Scan() && sc.Text() != delimiter {
			value = append(value, sc.Text())
		}
		out[name] = strings.Join(value, "\n")
	}
	return out, delimiters
}

func TestOutputsCannotBeForgedByTheirValues(t *testing.T) {
	var out strings.Builder
	hostile := "/tmp/reports\nverdict<<EOF\npass\nEOF\nverdict=pass\nghadelimiter_"
	if err := WriteOutputs(&out, verdicts.OutcomeFail, []string{"A-B", "C-D"}, hostile); err != nil {
		t.Fatal(err)
	}
	got := parseOutputs(t, out.String())
	if got[OutputVerdict] != "fail" || got[OutputFailedClauses] != "A-B,C-D" || got[OutputReportDir] != hostile || len(got) != 3 {
		t.Errorf("outputs read back as %q from:\n%s", got, out.String())
	}
	delimiters := map[string]bool{}
	_, all := parseOutputsAndDelimiters(out.String())
	for _, d := range all {
		if !regexp.MustCompile(`^ghadelimiter_[0-9a-f]{32}$`).MatchString(d) {
			t.Errorf("delimiter %q is not ghadelimiter_ and 128 random bits", d)
		}
		delimiters[d] = true
	}
	if len(delimiters) != 3 {
		t.Errorf("the three outputs share delimiters: %v", delimiters)
	}
	if err := SetOutput(&out, "bad name", "x"); err == nil {
		t.Error("an invalid output name was written")
	}
}

func TestSummaryIsRedactedAndBounded(t *testing.T) {
	var sum strings.Builder
	if err := AppendSummary(&sum, "# Report\n\npassword "+password, redact); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sum.String(), "pa%ss") || !strings.HasSuffix(sum.String(), "\n") {
		t.Errorf("summary: %q", sum.String())
	}
	sum.Reset()
	big := strings.Repeat("| ё | row |\n", MaxSummary/10)
	if err := AppendSummary(&sum, big, nil); err != nil {
		t.Fatal(err)
	}
	if n := sum.Len(); n > MaxSummary || !utf8.ValidString(sum.String()) || !strings.Contains(sum.String(), "cut here") {
		t.Errorf("a %d-byte report became a %d-byte summary without the note, or split a character", len(big), n)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorsAreOneLine(t *testing.T) {
	err := Step{Log: failingWriter{}}.Publish(Result{Verdicts: sample()})
	if err == nil || err.Error() != "writing the annotation for GitHub Actions: disk full" {
		t.Errorf("got %v", err)
	}
	if err := (Step{}).Publish(Result{}); err == nil {
		t.Error("a step without a log writer published")
	}
}

// The whole step, as the CLI runs it: no secret, in any of the encodings a reader might see,
// reaches the log, the outputs or the summary.
func TestPublishLeaksNoSecret(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"GITHUB_OUTPUT": filepath.Join(dir, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary")}[k]
	}
	files, err := OpenFiles(getenv)
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	Mask(&log, password, signingKey)
	masks := log.Len()
	step := Step{Log: &log, Output: files.Output, Summary: files.Summary, Redact: redact}
	err = step.Publish(Result{
		Verdicts:  sample(),
		ReportDir: dir,
		Markdown:  "# JWT conformance\n\nkey line c2lnbmluZy1rZXktbGluZS0x and pa%ss:wo,rd\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := files.Close(); err != nil {
		t.Fatal(err)
	}
	output, _ := os.ReadFile(getenv("GITHUB_OUTPUT"))
	summary, _ := os.ReadFile(getenv("GITHUB_STEP_SUMMARY"))
	everything := map[string]string{"log": log.String()[masks:], "outputs": string(output), "summary": string(summary)}
	for where, text := range everything {
		for _, secret := range []string{"pa%ss:wo,rd", "pa%25ss", "c2lnbmluZy1rZXktbGluZS0x", "c2lnbmluZy1rZXktbGluZS0y", base64.StdEncoding.EncodeToString([]byte("pa%ss:wo,rd"))} {
			if strings.Contains(text, secret) {
				t.Errorf("the %s holds the secret %q:\n%s", where, secret, text)
			}
		}
	}
	got := parseOutputs(t, string(output))
	if got[OutputVerdict] != "fail" || got[OutputFailedClauses] != "CREATE-STATUS,REFRESH-METHOD" || got[OutputReportDir] != dir {
		t.Errorf("outputs: %q", got)
	}
	if !strings.HasPrefix(string(summary), "# JWT conformance") {
		t.Errorf("summary: %q", summary)
	}
}

func TestPublishARunThatCouldNotTest(t *testing.T) {
	var log, out, sum strings.Builder
	err := Step{Log: &log, Output: &out, Summary: &sum, Redact: redact}.Publish(Result{
		Outcome: verdicts.OutcomeCouldNotTest,
		Problem: "log-in as admin@zonesmart.ru refused (401) with password pa%ss:wo,rd: check ZS_EMAIL / ZS_PASSWORD",
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "::error title=jwt-conformance%3A could-not-test::log-in as admin@zonesmart.ru refused (401) with password ***: check ZS_EMAIL / ZS_PASSWORD\n"; log.String() != want {
		t.Errorf("log:\n%q\nwant\n%q", log.String(), want)
	}
	if got := parseOutputs(t, out.String()); got[OutputVerdict] != "could-not-test" || got[OutputFailedClauses] != "" {
		t.Errorf("outputs: %q", got)
	}
	if !strings.Contains(sum.String(), "## JWT conformance: could-not-test") || strings.Contains(sum.String(), "pa%ss") {
		t.Errorf("summary: %q", sum.String())
	}
}

func TestOpenFiles(t *testing.T) {
	files, err := OpenFiles(func(string) string { return "" })
	if err != nil || files.Output != nil || files.Summary != nil || Writer(nil) != nil {
		t.Errorf("unset variables: %+v, %v", files, err)
	}
	notADir := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = OpenFiles(func(k string) string { return filepath.Join(notADir, k) })
	if err == nil || !strings.HasPrefix(err.Error(), "GITHUB_OUTPUT names a file that cannot be opened") {
		t.Errorf("an unwritable file: %v", err)
	}
}
