package report

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/out"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

const (
	password   = "hunter2-pw"
	signingKey = "key-that-must-not-show"
	// A token whose signature is a secret: only its header and claims may be printed. It is
	// joined from its parts so that no signed-looking token stands in the source.
	signature = "c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3Qtc2hvdw"
	liveToken = "eyJhbGciOiJIUzI1NiJ9" + ".eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0." + signature
)

// fixture is a run with every verdict, a failure whose exchange and message hold secrets (as
// if the suite had missed them) and text that needs escaping in both formats.
func fixture(t *testing.T) (Summary, Run) {
	t.Helper()
	cat, err := clauses.Parse([]byte(`clauses:
  - {id: CREATE-OK, severity: MUST, section: Obtaining tokens, endpoint: create, statement: Create answers 200.}
  - {id: ME-PIPE, severity: MUST, section: Using the access token, endpoint: me, statement: "GET /users/me/ with Authorization: JWT <access> | answers 200 & JSON."}
  - {id: ME-WARN, severity: SHOULD, section: Using the access token, endpoint: me, statement: No extra fields.}
  - {id: REFRESH-WAIVED, severity: MUST, section: Using the refresh token, endpoint: refresh, statement: GET is answered.}
  - {id: TOKEN-SKIP, severity: MUST, section: Obtaining tokens, endpoint: tokens, statement: Signature verifies.}
  - {id: TOKEN-NONE, severity: MUST, section: Obtaining tokens, endpoint: tokens, statement: Filtered out.}
`))
	if err != nil {
		t.Fatal(err)
	}
	exchange := "── request (me) GET http://target.example/users/me/\nAuthorization: JWT " + liveToken + "\n" +
		"── answer 500 Internal Server Error (3ms)\nContent-Type: text/html\n<script>alert(1)</script> ``` password=" + password + "\n"
	r := types.Report{SpecReports: types.SpecReports{
		{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed, ReportEntries: []types.ReportEntry{entry(EntryRequests, "7")}},
		spec("CREATE-OK", types.SpecStatePassed, "", entry(EntryRequests, "1")),
		spec("ME-PIPE", types.SpecStateFailed, "[ME-PIPE · MUST · Using the access token] GET …\n  found: expected 200, got 500 <b>bold</b> with key "+signingKey,
			entry(EntryExchange, exchange)),
		spec("ME-WARN", types.SpecStatePassed, "", verdictEntry(verdict.Warn, "warning (SHOULD): undocumented field | phone")),
		spec("REFRESH-WAIVED", types.SpecStatePassed, "", verdictEntry(verdict.Waived, "deviation (accepted: stock simplejwt; until 2027-03-31): 405")),
		spec("TOKEN-SKIP", types.SpecStateSkipped, "needs the signing key: set ZS_SIGNING_KEY"),
		spec("TOKEN-NONE", types.SpecStateSkipped, ""),
	}}
	cfg, err := config.Load("", func(k string) (string, bool) {
		v, ok := map[string]string{"ZS_BASE_URL": "https://target.example", "ZS_EMAIL": "qa@example.com",
			"ZS_PASSWORD": password, "ZS_SIGNING_KEY": signingKey}[k]
		return v, ok
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	red := redact.New(cfg.Secrets()...)
	start := time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)
	return Summarize(r, cat), Run{
		Target: "https://user:" + password + "@target.example", Started: start, Finished: start.Add(1500 * time.Millisecond), Version: "jwt-conformance test",
		Config: Settings(cfg), Endpoints: map[string]string{"me": "GET /users/me/"}, Redact: red.String,
	}
}

func TestMarkdownReport(t *testing.T) {
	s, run := fixture(t)
	var b bytes.Buffer
	if err := WriteMarkdown(&b, s, run); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"**FAIL: 1 of 6 clauses fail (1 pass, 1 fail, 1 warn, 1 waived, 1 skip, 1 not run)**",
		"| Target | https://user:***@target.example |",
		"| Run | 2026-11-27 17:00:00 UTC, took 1.5s |",
		"| Suite | jwt-conformance test |",
		"| HTTP requests | 8 |",
		"| endpoint | clauses | pass | fail | warn | waived | skip | not run |",
		"| GET /users/me/ | 2 | 0 | 1 | 1 | 0 | 0 | 0 |",
		"| ID | statement | severity | verdict | page section |",
		"| `CREATE-OK` | Create answers 200. | MUST | ✅ pass | Obtaining tokens |",
		// A pipe would split the cell and <access> would vanish as an HTML tag.
		"| `ME-PIPE` | GET /users/me/ with Authorization: JWT &lt;access&gt; \\| answers 200 &amp; JSON. | MUST | ❌ **fail** | Using the access token |",
		"| `TOKEN-NONE` | Filtered out. | MUST | ➖ not run | Obtaining tokens |",
		"- **ME-WARN** (SHOULD, warn): warning (SHOULD): undocumented field \\| phone",
		"- **REFRESH-WAIVED** (MUST, waived): deviation (accepted: stock simplejwt; until 2027-03-31): 405",
		"- **TOKEN-SKIP** (MUST, skip): needs the signing key",
		"### ME-PIPE · MUST · Using the access token",
		"Authorization: JWT eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.REDACTED",
		// The exchange holds three backticks, so its fence is longer.
		"````http\n── request (me)",
		"| `target.password` | `***` | ZS_PASSWORD |",
		"| `lifetimes.refresh` | `2160h (90d)` | default |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	order := []string{"## By endpoint", "## Clauses", "## Waivers and warnings", "## Skipped", "## Failures", "## Configuration"}
	last := -1
	for _, h := range order {
		i := strings.Index(md, h)
		if i < last {
			t.Errorf("%q is out of order", h)
		}
		last = i
	}
	noSecrets(t, md)
	if t.Failed() {
		t.Log(md)
	}
}

func TestHTMLReport(t *testing.T) {
	s, run := fixture(t)
	var b bytes.Buffer
	if err := WriteHTML(&b, s, run); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`<div class="headline fail">FAIL: 1 of 6 clauses fail`,
		`<tr><th>Target</th><td>https://user:***@target.example</td></tr>`,
		`<tr><th>HTTP requests</th><td>8</td></tr>`,
		// the per-endpoint summary comes first, its card coloured by the worst verdict
		`<div class="card fail">`, `<div class="title">GET /users/me/</div>`, `<span class="v warn">1 warn</span>`,
		// filters, one per verdict present
		`<input type="checkbox" value="not-run" checked>`, `<input type="checkbox" value="waived" checked>`,
		`<tr class="fail" data-verdict="fail">`, `<a href="#fail-ME-PIPE">ME-PIPE</a>`,
		`Authorization: JWT &lt;access&gt; | answers 200 &amp; JSON.`,
		`<div class="failure" id="fail-ME-PIPE">`,
		`<details><summary>Exchange (5 lines, secrets masked)</summary><pre>`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`, `got 500 &lt;b&gt;bold&lt;/b&gt;`,
		"eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.REDACTED",
		`<td class="id">target.signing_key</td><td><code>***</code></td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if strings.Index(page, `class="endpoints"`) > strings.Index(page, `id="clauses"`) {
		t.Error("the per-endpoint summary must come before the clause table")
	}
	// Self-contained: nothing is fetched, from the network or from disk.
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:|//|[a-z0-9./]+\.(css|js))|@import|url\(`).FindString(page); m != "" {
		t.Errorf("the page loads something from outside: %q", m)
	}
	if strings.Count(page, "<script>") != 1 {
		t.Error("the only script must be the filter's; values must never become script")
	}
	noSecrets(t, page)
}

func TestPassingRunAndEmptySections(t *testing.T) {
	cat, _ := clauses.Parse([]byte("clauses:\n  - {id: A-ONE, severity: MUST, section: s, endpoint: create, statement: x}\n"))
	s := Summarize(types.Report{SpecReports: types.SpecReports{spec("A-ONE", types.SpecStatePassed, "")}}, cat)
	var md, page bytes.Buffer
	if err := WriteMarkdown(&md, s, Run{Target: "replay of the page's examples"}); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, s, Run{Target: "replay of the page's examples"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**PASS: no clause fails (1 pass)**", "## Failures\n\nNone.", "## Waivers and warnings\n\nNone"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if !strings.Contains(page.String(), `<div class="headline pass">`) || strings.Contains(page.String(), `class="failure"`) {
		t.Error("a passing run's page must say so and list no failure")
	}
}

func TestWriteFiles(t *testing.T) {
	s, run := fixture(t)
	dir := filepath.Join(t.TempDir(), "reports")
	paths, err := WriteFiles(dir, s, run, out.New(redact.New(), io.Discard, io.Discard).WriteFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || filepath.Base(paths[0]) != MarkdownFile || filepath.Base(paths[1]) != HTMLFile {
		t.Fatalf("wrote %v", paths)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		noSecrets(t, string(data))
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func noSecrets(t *testing.T, out string) {
	t.Helper()
	for _, s := range []string{password, signingKey, signature} {
		if strings.Contains(out, s) {
			t.Errorf("a secret is printed: %q", s)
		}
	}
}
