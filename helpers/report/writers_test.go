package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html"
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
	email     = "qa@example.com"
)

// segment is a token segment: v as base64url JSON.
func segment(v any) string {
	data, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(data)
}

// The create answer's tokens, with times to decode. The refresh token carries another token in
// a claim, which the decoded view must mask.
var (
	accessToken  = segment(map[string]any{"alg": "HS256", "typ": "JWT"}) + "." + segment(map[string]any{"token_type": "access", "exp": 1591878835, "iat": 1591871635}) + "." + signature
	refreshToken = segment(map[string]any{"alg": "HS256", "typ": "JWT"}) + "." + segment(map[string]any{"token_type": "refresh", "exp": 1599647635, "note": "visible", "prev": liveToken}) + "." + signature
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
  - {id: ME-BROKEN, severity: MUST, section: Using the access token, endpoint: me, statement: Answers at all.}
`))
	if err != nil {
		t.Fatal(err)
	}
	exchange := "── request (create) POST http://user:" + password + "@target.example/v1/zonesmart/auth/jwt/create/\nContent-Length: 52\nContent-Type: application/json\n" +
		`{"email":"` + email + `","password":"` + password + `"}` + "\n" +
		"── answer 200 OK (5ms)\nContent-Type: application/json\n" + `{"refresh":"` + refreshToken + `","access":"` + accessToken + `"}` + "\n" +
		"── request (me) GET http://target.example/users/me/?q='x'\nAuthorization: JWT " + liveToken + "\n" +
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
		spec("ME-BROKEN", types.SpecStatePassed, "", verdictEntry(verdict.Broken, "the run budget ran out before the answer")),
	}}
	cfg, err := config.Load("", func(k string) (string, bool) {
		v, ok := map[string]string{"ZS_BASE_URL": "https://target.example", "ZS_EMAIL": email,
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
		Config: Settings(cfg), Endpoints: map[string]string{"me": "GET /users/me/"}, Redact: red.String, RedactClaims: red.Claims,
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
		"**FAIL: 1 of 7 clauses fail (1 pass, 1 fail, 1 warn, 1 waived, 1 skip, 1 not run, 1 broken)**",
		"| Target | https://user:***@target.example |",
		"| Run | 2026-11-27 17:00:00 UTC, took 1.5s |",
		"| Suite | jwt-conformance test |",
		"| HTTP requests | 8 |",
		"| endpoint | clauses | pass | fail | warn | waived | skip | not run | broken |",
		"| GET /users/me/ | 3 | 0 | 1 | 1 | 0 | 0 | 0 | 1 |",
		"| ID | statement | severity | verdict | page section |",
		"| `CREATE-OK` | Create answers 200. | MUST | ✅ pass | Obtaining tokens |",
		// A pipe would split the cell and <access> would vanish as an HTML tag.
		"| `ME-PIPE` | GET /users/me/ with Authorization: JWT &lt;access&gt; \\| answers 200 &amp; JSON. | MUST | ❌ **fail** | Using the access token |",
		"| `TOKEN-NONE` | Filtered out. | MUST | ➖ not run | Obtaining tokens |",
		"### ⚠️ ME-WARN · SHOULD · Using the access token",
		"```text\nwarning (SHOULD): undocumented field | phone\n```",
		"- **REFRESH-WAIVED** (MUST, waived): deviation (accepted: stock simplejwt; until 2027-03-31): 405",
		"- **TOKEN-SKIP** (MUST, skip): needs the signing key",
		"### ❌ ME-PIPE · MUST · Using the access token",
		"### 🔧 ME-BROKEN · MUST · Using the access token",
		"```text\nthe run budget ran out before the answer\n```",
		"| `ME-BROKEN` | Answers at all. | MUST | 🔧 broken | Using the access token |",
		// The first exchange is open; the second is folded, and it holds three backticks, so
		// its fence is longer.
		"Exchange (secrets masked):\n\n```http\n── request (create) POST http://user:***@target.example/v1/zonesmart/auth/jwt/create/",
		"<details><summary>1 more exchange(s)</summary>\n\n````http\n── request (me)",
		"Authorization: JWT eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.REDACTED",
		"| `target.password` | `***` | ZS_PASSWORD |",
		"| `lifetimes.refresh` | `2160h (90d)` | default |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	// What needs attention first: failures, then what the environment broke, then warnings.
	order := []string{"## Failures", "### ❌ ME-PIPE", "## Broken: the environment, not the target", "### 🔧 ME-BROKEN", "## Warnings", "### ⚠️ ME-WARN",
		"## By endpoint", "## Clauses", "## Waivers", "## Skipped", "## Configuration"}
	last := -1
	for _, h := range order {
		i := strings.Index(md, h)
		if i < 0 || i < last {
			t.Errorf("%q is missing or out of order", h)
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
		`<div class="headline fail">FAIL: 1 of 7 clauses fail`,
		`<tr><th>Target</th><td>https://user:***@target.example</td></tr>`,
		`<tr><th>HTTP requests</th><td>8</td></tr>`,
		// the per-endpoint summary comes first, its card coloured by the worst verdict
		`<div class="card fail">`, `<div class="title">GET /users/me/</div>`, `<span class="v warn">1 warn</span>`,
		// filters, one per verdict present
		`<input type="checkbox" value="not-run" checked>`, `<input type="checkbox" value="waived" checked>`,
		`<tr class="fail" data-verdict="fail">`, `<a href="#fail-ME-PIPE">ME-PIPE</a>`,
		`Authorization: JWT &lt;access&gt; | answers 200 &amp; JSON.`,
		`<div class="failure fail" id="fail-ME-PIPE">`, `<div class="failure broken" id="broken-ME-BROKEN">`, `<div class="failure warn" id="warn-ME-WARN">`,
		`<a href="#broken-ME-BROKEN">ME-BROKEN</a>`, `<a href="#warn-ME-WARN">ME-WARN</a>`,
		"<h4>Exchange (secrets masked)</h4>\n  <pre class=\"exchange\">── request (create) POST",
		`<details><summary>1 more exchange(s)</summary><pre>── request (me) GET`,
		`<td class="id">$ACCESS</td>`, `exp 1591878835 = 2020-06-11 12:33:55 UTC`,
		`<pre class="curl"># $ZS_BASE_URL, $ZS_EMAIL, $ZS_PASSWORD: as for the run.`,
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
	if strings.Index(page, `id="fail-ME-PIPE"`) > strings.Index(page, `class="endpoints"`) || strings.Index(page, `id="warn-ME-WARN"`) > strings.Index(page, `class="endpoints"`) {
		t.Error("the page must open with the failures and warnings, before the summary and the clause table")
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
	for _, want := range []string{"**PASS: no clause fails (1 pass)**", "## Failures\n\nNone: the target failed no clause.", "## Warnings\n\nNone", "## Waivers\n\nNone"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if strings.Contains(md.String(), "## Broken") || strings.Contains(page.String(), "<h2>Broken") {
		t.Error("a run where nothing broke must not show the broken section")
	}
	if !strings.Contains(page.String(), `<div class="headline pass">`) || strings.Contains(page.String(), `class="failure`) {
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
		// The door's redactor masks password-like JSON fields: the reproduction must come
		// through it whole.
		want := `"password":'"\"$ZS_PASSWORD\""'}'`
		if filepath.Base(p) == HTMLFile {
			want = html.EscapeString(want)
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("%s: the reproduction's password variable did not survive the door: want %s", p, want)
		}
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

// TestFindingsShowTheirEvidence: each failure shows its tokens decoded, a claim holding a token
// masked, exp and iat as UTC times, and a reproduction per request.
func TestFindingsShowTheirEvidence(t *testing.T) {
	s, run := fixture(t)
	d := newDocument(s, run)
	if len(d.Failures) != 1 || len(d.Broken) != 1 || len(d.Warnings) != 1 {
		t.Fatalf("failures %d, broken %d, warnings %d; want one each", len(d.Failures), len(d.Broken), len(d.Warnings))
	}
	f := d.Failures[0]
	if len(f.Exchanges) != 2 || !strings.HasPrefix(f.First(), "── request (create)") || !strings.HasPrefix(f.More()[0], "── request (me)") {
		t.Fatalf("exchanges not split at the request banners: %q", f.Exchanges)
	}
	views := map[string]tokenView{}
	for _, v := range f.Tokens {
		views[v.Var] = v
	}
	want := map[string]struct{ header, claims, times string }{
		"ACCESS":  {`{"alg":"HS256","typ":"JWT"}`, `{"exp":1591878835,"iat":1591871635,"token_type":"access"}`, "exp 1591878835 = 2020-06-11 12:33:55 UTC|iat 1591871635 = 2020-06-11 10:33:55 UTC"},
		"REFRESH": {`{"alg":"HS256","typ":"JWT"}`, `{"exp":1599647635,"note":"visible","prev":"***","token_type":"refresh"}`, "exp 1599647635 = 2020-09-09 10:33:55 UTC"},
		"TOKEN_1": {`{"alg":"HS256"}`, `{"token_type":"access"}`, ""},
	}
	if len(views) != len(want) {
		t.Errorf("decoded tokens %v, want %d", f.Tokens, len(want))
	}
	for name, w := range want {
		v := views[name]
		if v.Header != w.header || v.Claims != w.claims || strings.Join(v.Times, "|") != w.times {
			t.Errorf("$%s decoded as %+v, want header %s, claims %s, times %s", name, v, w.header, w.claims, w.times)
		}
		if !strings.HasSuffix(v.Masked, ".REDACTED") {
			t.Errorf("$%s is shown as %q: the masked token, shortened", name, v.Masked)
		}
	}
	wantCurl := []string{
		"# $ZS_BASE_URL, $ZS_EMAIL, $ZS_PASSWORD: as for the run.",
		`curl -sS -i -X POST "$ZS_BASE_URL"'/v1/zonesmart/auth/jwt/create/' \` + "\n" +
			`  -H 'Content-Type: application/json' \` + "\n" +
			`  --data-raw '{"email":'"\"$ZS_EMAIL\""',"password":'"\"$ZS_PASSWORD\""'}'`,
		`curl -sS -i -X GET "$ZS_BASE_URL"'/users/me/?q='\''x'\''' \` + "\n" +
			`  -H 'Authorization: JWT '"$TOKEN_1"`,
	}
	for _, w := range wantCurl {
		if !strings.Contains(f.Curl, w) {
			t.Errorf("the reproduction lacks\n%s\nin\n%s", w, f.Curl)
		}
	}
	if strings.Contains(f.Curl, "Content-Length") {
		t.Error("the reproduction sets a header curl sets itself")
	}
}

// TestNoReproductionHoldsACredential: whatever the exchange shows, a curl command holds the
// password, the email, the base URL's userinfo and every token only as shell variables; also
// when the report has no redactor and the exchange carries them in the clear.
func TestNoReproductionHoldsACredential(t *testing.T) {
	s, run := fixture(t)
	raw := run
	raw.Redact, raw.RedactClaims = nil, nil
	wrote := 0
	for name, r := range map[string]Run{"redacted": run, "unredacted": raw} {
		d := newDocument(s, r)
		for _, f := range append(append(d.Failures, d.Broken...), d.Warnings...) {
			if f.Curl == "" {
				continue
			}
			wrote++
			bad := []string{signature, email, "REDACTED", "***", "user:", password}
			if name == "unredacted" {
				bad = []string{signature, email, "REDACTED", "user:", password}
			}
			for _, b := range bad {
				if strings.Contains(f.Curl, b) {
					t.Errorf("%s: the reproduction of %s holds %q:\n%s", name, f.ID, b, f.Curl)
				}
			}
			for _, m := range tokenPattern.FindAllString(f.Curl, -1) {
				if _, _, ok := decodeToken(m); ok {
					t.Errorf("%s: the reproduction of %s holds a token: %s", name, f.ID, m)
				}
			}
		}
	}
	if wrote < 2 {
		t.Fatal("no reproduction was written: the checks above proved nothing")
	}
}

// TestClaimsAreMaskedWithoutTheRunsRedactor: with no RedactClaims, a claim that the run's
// redactor would change, or that holds a token, is masked.
func TestClaimsAreMaskedWithoutTheRunsRedactor(t *testing.T) {
	red := redact.New(password).String
	got := jsonText(maskClaims(map[string]any{"a": password, "b": []any{map[string]any{"c": "pre " + password}}, "d": liveToken, "e": "visible", "f": json.Number("7")}, red))
	if want := `{"a":"***","b":[{"c":"***"}],"d":"***","e":"visible","f":7}`; got != want {
		t.Errorf("masked claims %s, want %s", got, want)
	}
}

// TestTokenVariablesFollowWhatTheServerIssued: with no log-in in the failure's exchanges, the
// signed refresh token it sends is still $REFRESH; an unsigned token is the suite's own.
func TestTokenVariablesFollowWhatTheServerIssued(t *testing.T) {
	header := segment(map[string]any{"alg": "HS256", "typ": "JWT"})
	refresh := header + "." + segment(map[string]any{"token_type": "refresh", "exp": 1}) + ".REDACTED"
	unsigned := segment(map[string]any{"alg": "none"}) + "." + segment(map[string]any{"token_type": "access"}) + "."
	transcript := "── request (refresh) GET http://t.example/auth/jwt/refresh/\nContent-Type: application/json\n{\"refresh\":\"" + refresh + "\"}\n── answer 405 Method Not Allowed (1ms)\n" +
		"── request (me) GET http://t.example/users/me/\nAuthorization: JWT " + unsigned + "\n── answer 200 OK (1ms)\n"
	var f failure
	newEvidence(Run{}, func(s string) string { return s }).attach(&f, transcript)
	if len(f.Tokens) != 2 || f.Tokens[0].Var != "REFRESH" || f.Tokens[1].Var != "TOKEN_1" {
		t.Fatalf("tokens %+v, want $REFRESH then $TOKEN_1", f.Tokens)
	}
	for _, want := range []string{`--data-raw '{"refresh":'"\"$REFRESH\""'}'`, `-H 'Authorization: JWT '"$TOKEN_1"`} {
		if !strings.Contains(f.Curl, want) {
			t.Errorf("the reproduction lacks %s:\n%s", want, f.Curl)
		}
	}
}

// A baseline's changes open both reports, and the run's notices (a weakened setting, a server
// clock that is off) stand before any verdict; both pass the redactor, and server text in them
// stays inert in Markdown.
func TestChangesAndNoticesOpenTheReports(t *testing.T) {
	cat, _ := clauses.Parse([]byte("clauses:\n  - {id: A-ONE, severity: MUST, section: s, endpoint: create, statement: x}\n"))
	s := Summarize(types.Report{SpecReports: types.SpecReports{spec("A-ONE", types.SpecStatePassed, "")}}, cat)
	run := Run{Target: "t", Changes: "Since the baseline run: 1 new failure (A-ONE) ``` ![x](http://evil.example/x.png) " + password,
		Notices: []string{"the server's clock is 5m02s ahead of ours [link](http://evil.example)"}, Redact: redact.New(password).String}
	var md, page bytes.Buffer
	if err := WriteMarkdown(&md, s, run); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, s, run); err != nil {
		t.Fatal(err)
	}
	m := md.String()
	changes, notices, verdicts := strings.Index(m, "## Since the baseline"), strings.Index(m, "## Notices"), strings.Index(m, "## Failures")
	if changes < 0 || notices < 0 || changes > strings.Index(m, "**PASS") || notices > verdicts {
		t.Errorf("the changes must open the Markdown report and the notices precede the verdicts:\n%s", m)
	}
	if !strings.Contains(m, "````text\n") || !strings.Contains(m, "`the server's clock is 5m02s ahead of ours [link](http://evil.example)`") {
		t.Errorf("server text in the changes or notices is not inert:\n%s", m)
	}
	for name, out := range map[string]string{"markdown": m, "html": page.String()} {
		if strings.Contains(out, password) {
			t.Errorf("%s holds the password", name)
		}
		if !strings.Contains(out, "5m02s ahead") || !strings.Contains(out, "1 new failure (A-ONE)") {
			t.Errorf("%s lacks the changes or the notice", name)
		}
	}
}
