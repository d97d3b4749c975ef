package verdicts

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/report"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var started = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// run is a live run against a target whose URL carries credentials, times in another zone
// with nanoseconds, clauses out of order and a reason over several lines: all of it must be
// normalised on the way out.
func sampleFile() *File {
	msk := time.FixedZone("MSK", 3*3600)
	return &File{
		Schema: Schema,
		Run: Run{
			Mode: ModeLive, Target: "https://admin:hunter2@api.example.com/v1/?token=abc#frag",
			Started: started.In(msk).Add(123 * time.Millisecond), Finished: started.Add(4*time.Second + 999*time.Millisecond).In(msk),
			SuiteVersion: "0.2.0", Requests: 47, Outcome: OutcomeFail, ExitCode: 1,
		},
		Clauses: []Clause{
			{ID: "REFRESH-METHOD", Severity: clauses.Must, Endpoint: "refresh", Verdict: Fail, Reason: "405 Method Not Allowed\n  answered by GET as well", Waiver: &Waiver{Reason: "stock simplejwt", Expires: "2026-11-01"}},
			{ID: "CLAIM-EXTRA", Severity: clauses.Should, Endpoint: "tokens", Verdict: Warn, Reason: "claims <jti> and\t\"token_type\" are not on the page"},
			{ID: "CREATE-SHAPE", Severity: clauses.Must, Endpoint: "create", Verdict: Pass},
			{ID: "TIME-ISSUED", Severity: clauses.Must, Endpoint: "tokens", Verdict: Skip, Reason: strings.Repeat("needs the signing key ", 20)},
			{ID: "ME-SHAPE", Severity: clauses.Must, Endpoint: "me", Verdict: NotRun},
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from what was produced (go test -update rewrites it after review):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestWriteMatchesTheGoldenFileAndReadsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	f := sampleFile()
	if err := Write(path, f); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "verdicts.golden.json", data)
	if strings.Contains(string(data), "hunter2") || strings.Contains(string(data), "token=") {
		t.Errorf("the target's credentials or query reached the file:\n%s", data)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := New(f.Run, f.Clauses); !reflect.DeepEqual(back, want) {
		t.Errorf("read back:\n%+v\nwant:\n%+v", back, want)
	}
	if !slices.IsSortedFunc(back.Clauses, func(a, b Clause) int { return strings.Compare(a.ID, b.ID) }) {
		t.Errorf("clauses are not sorted by ID: %v", back.Clauses)
	}
	if got := back.Failed(); !slices.Equal(got, []string{"REFRESH-METHOD"}) {
		t.Errorf("Failed() = %v", got)
	}
	// Write must not have changed the caller's value.
	if f.Clauses[0].ID != "REFRESH-METHOD" || f.Run.Target != sampleFile().Run.Target {
		t.Errorf("Write changed its argument: %+v", f.Run)
	}
}

func TestWriteRefusesAnInvalidFileAndLeavesTheOldOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := Write(path, sampleFile()); err != nil {
		t.Fatal(err)
	}
	bad := sampleFile()
	bad.Run.ExitCode = 0
	bad.Clauses = append(bad.Clauses, Clause{ID: "CREATE-SHAPE", Severity: "MAY", Verdict: "passed"})
	err := Write(path, bad)
	if err == nil {
		t.Fatal("an exit code that contradicts the outcome was written")
	}
	for _, want := range []string{`run.exit_code 0 does not go with run.outcome "fail" (which exits 1)`, "(CREATE-SHAPE): the clause is listed twice", `severity "MAY"`, "and 1 more"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, err := Read(path); err != nil {
		t.Errorf("the earlier file was damaged: %v", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".verdicts-*")); len(matches) > 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}
	notADir := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(notADir, FileName), sampleFile()); err == nil || !strings.Contains(err.Error(), "is the reports directory writable?") {
		t.Errorf("writing where no directory can be: %v", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.tmp")); len(matches) > 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}
}

func TestReadNamesWhatIsWrongInOneLine(t *testing.T) {
	dir := t.TempDir()
	valid, err := sampleFile().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	edit := func(from, to string) string { return strings.Replace(string(valid), from, to, 1) }
	cases := []struct{ name, content, want string }{
		{"empty", "  \n", "is empty"},
		{"truncated", string(valid[:40]), "is not a verdicts file: invalid JSON on line 2: unexpected end of JSON input"},
		{"not an object", `[1, 2]`, "is not a verdicts file: line 1: the file is a JSON array"},
		{"ginkgo report", `[{"SuitePath": "/x"}]`, "is not a verdicts file"},
		{"other json", `{"name": "x"}`, `it has no "schema" field (want "jwt-conformance/verdicts/v1")`},
		{"future schema", edit("verdicts/v1", "verdicts/v2"), `has schema "jwt-conformance/verdicts/v2", and this suite reads "jwt-conformance/verdicts/v1"`},
		{"foreign schema", edit("jwt-conformance/verdicts/v1", "https://json-schema.org/x"), `its schema is "https://json-schema.org/x"`},
		{"bad verdict", edit(`"verdict": "warn"`, `"verdict": "passed"`), `clauses[0] (CLAIM-EXTRA): verdict "passed" is not one of pass, fail, warn, waived, skip, not-run, broken`},
		{"wrong type", edit(`"requests": 47`, `"requests": "47"`), "line 9: run.requests is a JSON string, want int"},
		{"bad mode", edit(`"mode": "live"`, `"mode": "online"`), `run.mode "online" is not one of live, replay, page, dry-run`},
		{"bad time", edit(`"started": "2026-11-27T12:00:00Z"`, `"started": "yesterday"`), "is not a valid verdicts file"},
		{"bad waiver date", edit(`"expires": "2026-11-01"`, `"expires": "soon"`), `waiver.expires "soon" is not a date`},
		{"credentials in target", edit(`"https://api.example.com/v1/"`, `"https://u:p@api.example.com/v1/"`), "run.target carries credentials"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Read(path)
			if err == nil {
				t.Fatalf("accepted:\n%s", c.content)
			}
			if msg := err.Error(); !strings.Contains(msg, c.want) || !strings.HasPrefix(msg, path) || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line starting with the path and containing %q", msg, c.want)
			}
		})
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(big); err == nil || !strings.Contains(err.Error(), "is larger than 4 MiB") {
		t.Errorf("a huge file: %v", err)
	}
	if _, err := Read(dir); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("a directory: %v", err)
	}
	if _, err := Read(filepath.Join(dir, "absent.json")); err == nil || !strings.Contains(err.Error(), "no such file: give the verdicts.json of an earlier run") {
		t.Errorf("a missing file: %v", err)
	}
}

func TestReadIgnoresFieldsALaterV1Adds(t *testing.T) {
	valid, _ := sampleFile().Marshal()
	later := strings.Replace(string(valid), `"schema": "jwt-conformance/verdicts/v1",`, `"schema": "jwt-conformance/verdicts/v1", "coverage": {"create": 3},`, 1)
	if _, err := Parse("later.json", []byte(later)); err != nil {
		t.Errorf("a field added within v1 was refused: %v", err)
	}
}

func TestCleanTarget(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pass@api.example.com:8443/v1/?key=s#x": "https://api.example.com:8443/v1/",
		"http://127.0.0.1:8000":                              "http://127.0.0.1:8000",
		"fixtures/recorded/live":                             "fixtures/recorded/live",
		"":                                                   "",
	} {
		if got := CleanTarget(in); got != want {
			t.Errorf("CleanTarget(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOneLine(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"a\r\nb\t c\x00d", 100, "a b c d"},
		{"  trimmed  ", 100, "trimmed"},
		{"абвгдеёжз", 5, "абвг…"},
		{"word word word", 6, "word…"},
		{"x", 0, ""},
	} {
		if got := OneLine(c.in, c.max); got != c.want {
			t.Errorf("OneLine(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
		if n := len([]rune(OneLine(c.in, c.max))); n > c.max {
			t.Errorf("OneLine(%q, %d) is %d characters", c.in, c.max, n)
		}
	}
}

func TestExitCodes(t *testing.T) {
	for o, want := range map[Outcome]int{OutcomePass: 0, OutcomeFail: 1, OutcomeUsage: 2, OutcomeCouldNotTest: 3, OutcomeBroken: 3, "maybe": -1} {
		if got := o.ExitCode(); got != want {
			t.Errorf("%q exits %d, want %d", o, got, want)
		}
	}
}

func TestOutcomeOf(t *testing.T) {
	cl := func(vs ...Verdict) []Clause {
		var out []Clause
		for _, v := range vs {
			out = append(out, Clause{Verdict: v})
		}
		return out
	}
	for _, c := range []struct {
		clauses []Clause
		want    Outcome
	}{
		{nil, OutcomePass},
		{cl(Pass, Warn, Waived, Skip, NotRun), OutcomePass},
		{cl(Pass, Broken), OutcomeBroken},
		{cl(Broken, Fail, Pass), OutcomeFail},
		{cl(Warn, Fail), OutcomeFail},
	} {
		if got := OutcomeOf(c.clauses); got != c.want {
			t.Errorf("OutcomeOf(%v) = %q, want %q", c.clauses, got, c.want)
		}
	}
}

func TestFromSummary(t *testing.T) {
	const secret = "s3cr3t-password"
	s := report.Summary{Clauses: []report.ClauseVerdict{
		{Clause: clauses.Clause{ID: "REFRESH-METHOD", Severity: clauses.Must, Endpoint: "refresh"}, Verdict: verdict.Fail, Specs: []report.SpecVerdict{
			{Verdict: verdict.Pass},
			{Verdict: verdict.Fail, Message: "[REFRESH-METHOD · MUST · Using the refresh token] POST refreshes\n  found: 405 for password=" + secret + "\n  the waiver (stock) expired on 2026-11-01: fix the deviation or renew the waiver"},
		}},
		{Clause: clauses.Clause{ID: "CLAIM-EXTRA", Severity: clauses.Should, Endpoint: "tokens"}, Verdict: verdict.Warn, Specs: []report.SpecVerdict{{Verdict: verdict.Warn, Message: "claims jti are not on the page (a SHOULD: fails the run only with strict: true)"}}},
		{Clause: clauses.Clause{ID: "ME-SHAPE", Severity: clauses.Must, Endpoint: "me"}, Verdict: verdict.NotRun, Specs: []report.SpecVerdict{{Verdict: verdict.NotRun}}},
		{Clause: clauses.Clause{ID: "CREATE-SHAPE", Severity: clauses.Must, Endpoint: "create"}, Verdict: verdict.Pass, Specs: []report.SpecVerdict{{Verdict: verdict.Pass, Message: "irrelevant"}}},
	}}
	waivers := []config.Waiver{{Clause: "REFRESH-METHOD", Reason: "stock simplejwt, ticket " + secret, Expires: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}}
	redact := func(s string) string { return strings.ReplaceAll(s, secret, "***") }
	got, err := FromSummary(s, waivers, redact)
	if err != nil {
		t.Fatal(err)
	}
	want := []Clause{
		{ID: "REFRESH-METHOD", Severity: clauses.Must, Endpoint: "refresh", Verdict: Fail, Reason: "405 for password=*** the waiver (stock) expired on 2026-11-01: fix the deviation or renew the waiver", Waiver: &Waiver{Reason: "stock simplejwt, ticket ***", Expires: "2026-11-01"}},
		{ID: "CLAIM-EXTRA", Severity: clauses.Should, Endpoint: "tokens", Verdict: Warn, Reason: "claims jti are not on the page (a SHOULD: fails the run only with strict: true)"},
		{ID: "ME-SHAPE", Severity: clauses.Must, Endpoint: "me", Verdict: NotRun},
		{ID: "CREATE-SHAPE", Severity: clauses.Must, Endpoint: "create", Verdict: Pass},
	}
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.MarshalIndent(got, "", " ")
		t.Errorf("FromSummary:\n%s", gj)
	}
	s.Clauses[0].Verdict = "exploded"
	if _, err := FromSummary(s, nil, nil); err == nil || !strings.Contains(err.Error(), `clause REFRESH-METHOD: verdict "exploded" is not one of`) {
		t.Errorf("an unknown verdict: %v", err)
	}
}

// The JSON Schema and SCHEMA.md describe the same format as the Go types: the enumerations
// match the constants and every field is documented.
func TestSchemaDocumentsMatchTheTypes(t *testing.T) {
	data, err := os.ReadFile("verdicts.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties struct {
			Schema struct {
				Const string `json:"const"`
			} `json:"schema"`
		} `json:"properties"`
		Defs map[string]struct {
			Enum []string `json:"enum"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatalf("verdicts.schema.json: %v", err)
	}
	if schema.Properties.Schema.Const != Schema {
		t.Errorf("the JSON Schema's schema const is %q, want %q", schema.Properties.Schema.Const, Schema)
	}
	for name, want := range map[string][]string{
		"mode": strs(modes), "outcome": strs(outcomes), "verdict": strs(kinds), "severity": {string(clauses.Must), string(clauses.Should)},
	} {
		if got := schema.Defs[name].Enum; !slices.Equal(got, want) {
			t.Errorf("JSON Schema $defs.%s enum = %v, want %v", name, got, want)
		}
	}
	doc, err := os.ReadFile("SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[File](), reflect.TypeFor[Run](), reflect.TypeFor[Clause](), reflect.TypeFor[Waiver]()} {
		for i := range typ.NumField() {
			name := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
			if !strings.Contains(string(doc), "`"+name+"`") && !strings.Contains(string(doc), "."+name+"`") {
				t.Errorf("SCHEMA.md does not document the field %s.%s (`%s`)", typ.Name(), typ.Field(i).Name, name)
			}
			if !strings.Contains(string(data), `"`+name+`"`) {
				t.Errorf("verdicts.schema.json does not describe the field %q", name)
			}
		}
	}
	for _, v := range append(append(strs(modes), strs(outcomes)...), strs(kinds)...) {
		if !strings.Contains(string(doc), "`"+v+"`") {
			t.Errorf("SCHEMA.md does not explain the value `%s`", v)
		}
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
