package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"maps"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func known(id string) bool { return id == "REFRESH-METHOD" }

func TestDefaultsArePageValues(t *testing.T) {
	c, err := Load("", envOf(nil), known)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Offline() || c.Refresh.Method != "GET" || c.Refresh.Path != "/auth/jwt/refresh/" ||
		c.Create.Path != "/v1/zonesmart/auth/jwt/create/" || c.Scheme != "JWT" ||
		c.AccessLifetime != 2*time.Hour || c.RefreshLifetime != 90*24*time.Hour || c.Skew != 30*time.Second {
		t.Fatalf("defaults differ from the page: %+v", c)
	}
}

func TestFileThenEnvThenExpansion(t *testing.T) {
	p := write(t, "target:\n  base_url: https://staging.example.com/\n  email: qa@example.com\n  password: ${STAGING_PW}\nendpoints:\n  refresh:\n    method: post\nlifetimes:\n  refresh: 90d\n")
	c, err := Load(p, envOf(map[string]string{"STAGING_PW": "pw", "ZS_EMAIL": "env@example.com"}), known)
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "https://staging.example.com" || c.Email != "env@example.com" || c.Password != "pw" ||
		c.Refresh.Method != "POST" || c.RefreshLifetime != 2160*time.Hour {
		t.Fatalf("unexpected config %+v", c)
	}
	if c.Sources["target.email"] != "ZS_EMAIL" || !strings.Contains(c.Sources["endpoints.refresh.method"], "line 7") {
		t.Fatalf("sources not tracked: %v", c.Sources)
	}
}

// Ten kinds of bad configuration, reported together, one line each, naming key, value and rule.
func TestEveryProblemReportedAtOnce(t *testing.T) {
	p := write(t, `target:
  base_url: "ftp://staging"
  pasword: x
endpoints:
  refresh:
    method: FETCH
  me:
    method: DELETE
    path: users/me
lifetimes:
  access: -2h
clock:
  skew: soon
http:
  retries: 99
strict: maybe
waivers:
  - {clause: NOPE-NOPE, expires: tomorrow}
`)
	_, err := Load(p, envOf(map[string]string{"ZS_PASSWORD": "${UNSET_VAR}"}), known)
	probs, ok := err.(Problems)
	if !ok {
		t.Fatalf("expected Problems, got %v", err)
	}
	want := []string{
		`target.base_url: "ftp://staging" is not an absolute http(s) URL`,
		`target.pasword: is not a known key`, `did you mean target.password?`,
		`endpoints.refresh.method: "FETCH" is not an HTTP method`,
		`endpoints.me.method: "DELETE" is not allowed`,
		`endpoints.me.path: "users/me" is not a URL path`,
		`lifetimes.access: "-2h" must be positive`,
		`clock.skew: "soon" is not a duration`,
		`http.retries: "99" must be between 0 and 5`,
		`strict: "maybe" is not true or false`,
		`waivers[0].clause: "NOPE-NOPE" is not a clause`,
		`waivers[0].reason: is required`,
		`waivers[0].expires: "tomorrow" is not a date`,
		`target.password: ${UNSET_VAR} is not set`,
		`target.email: required when target.base_url is set`,
	}
	all := err.Error()
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("missing problem %q in:\n%s", w, all)
		}
	}
	for _, line := range probs {
		if strings.Contains(line, "\n") {
			t.Errorf("problem spans lines: %q", line)
		}
	}
}

func TestSecretsNeverEchoed(t *testing.T) {
	p := write(t, "target:\n  signing_key: [a, b]\n")
	_, err := Load(p, envOf(map[string]string{"ZS_BASE_URL": "http://x", "ZS_EMAIL": "e", "ZS_PASSWORD": "hunter2"}), known)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("expected an error that hides the password, got %v", err)
	}
}

func TestMalformedYAMLAndMissingFile(t *testing.T) {
	_, err := Load(write(t, "target: [unclosed\n"), envOf(nil), known)
	if err == nil || !strings.Contains(err.Error(), "is not valid YAML") {
		t.Fatalf("got %v", err)
	}
	_, err = Load(filepath.Join(t.TempDir(), "none.yaml"), envOf(nil), known)
	if err == nil || !strings.Contains(err.Error(), "cannot be read") {
		t.Fatalf("got %v", err)
	}
}

func TestWaiverExpiryIsInclusive(t *testing.T) {
	p := write(t, "waivers:\n  - clause: REFRESH-METHOD\n    reason: upstream answers POST only\n    expires: 2026-12-01\n")
	c, err := Load(p, envOf(nil), known)
	if err != nil {
		t.Fatal(err)
	}
	w, ok := c.WaiverFor("REFRESH-METHOD")
	if !ok {
		t.Fatal("waiver not found")
	}
	if w.Expired(time.Date(2026, 12, 1, 23, 59, 59, 0, time.UTC)) {
		t.Error("a waiver must hold through its expiry day")
	}
	if !w.Expired(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)) {
		t.Error("a waiver must lapse the day after its expiry")
	}
}

// config.example.yaml documents every key with its default and env name, and loads cleanly.
func TestExampleDocumentsEveryKey(t *testing.T) {
	// Relative paths resolve against the module root, so the test names the file absolutely.
	path, _ := filepath.Abs(filepath.Join("..", "..", "config.example.yaml"))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, k := range Keys {
		leaf := k.Path[strings.LastIndex(k.Path, ".")+1:]
		if !strings.Contains(text, leaf+":") || !strings.Contains(text, k.Env) {
			t.Errorf("config.example.yaml does not document %s (env %s)", k.Path, k.Env)
		}
	}
	if _, err := Load(path, envOf(map[string]string{"STAGING_PASSWORD": "x"}), func(string) bool { return true }); err != nil {
		t.Errorf("config.example.yaml does not load: %v", err)
	}
}

func TestCredentialsWithoutATargetAreAProblem(t *testing.T) {
	for _, env := range []string{"ZS_EMAIL", "ZS_PASSWORD", "ZS_SIGNING_KEY"} {
		_, err := Load("", envOf(map[string]string{env: "canary-value"}), known)
		if err == nil || !strings.Contains(err.Error(), env) || !strings.Contains(err.Error(), "ZS_OFFLINE=true") {
			t.Errorf("%s without ZS_BASE_URL: got %v", env, err)
		} else if strings.Contains(err.Error(), "canary-value") {
			t.Errorf("%s: the value is printed: %v", env, err)
		}
	}
	p := write(t, "target:\n  email: qa@example.com\n")
	if _, err := Load(p, envOf(nil), known); err == nil || !strings.Contains(err.Error(), "target.email: set (from "+p+" line 2)") {
		t.Errorf("credentials from the file: got %v", err)
	}
	c, err := Load("", envOf(map[string]string{"ZS_PASSWORD": "pw", "ZS_OFFLINE": "true"}), known)
	if err != nil {
		t.Fatalf("an explicit offline replay: %v", err)
	}
	if c.Mode() != ModePage || len(c.Warnings()) != 1 {
		t.Errorf("offline with credentials: mode %s, warnings %q", c.Mode(), c.Warnings())
	}
	dir := t.TempDir()
	c, err = Load("", envOf(map[string]string{"ZS_SIGNING_KEY": "k", "ZS_FIXTURES": dir}), known)
	if err != nil || c.Mode() != ModeReplay {
		t.Fatalf("a replay of fixtures is explicit already: %v", err)
	}
	_, err = Load("", envOf(map[string]string{"ZS_BASE_URL": "https://s.example", "ZS_EMAIL": "e", "ZS_PASSWORD": "pw-never-shown", "ZS_OFFLINE": "1"}), known)
	if err == nil || !strings.Contains(err.Error(), "target.offline: true (from ZS_OFFLINE)") {
		t.Errorf("offline with a target: got %v", err)
	}
}

func TestModeAndDescription(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		env        map[string]string
		mode, line string
	}{
		{nil, ModePage, "page: the page's own examples (offline)"},
		{map[string]string{"ZS_FIXTURES": dir}, ModeReplay, "replay: the fixtures in " + dir},
		{map[string]string{"ZS_BASE_URL": "https://s.example/api/", "ZS_EMAIL": "qa@example.com", "ZS_PASSWORD": "pw"}, ModeLive, "live: https://s.example/api as qa@example.com"},
	} {
		c, err := Load("", envOf(tc.env), known)
		if err != nil {
			t.Fatal(err)
		}
		if c.Mode() != tc.mode || c.Describe() != tc.line {
			t.Errorf("%v: %s %q, want %s %q", tc.env, c.Mode(), c.Describe(), tc.mode, tc.line)
		}
	}
	hand := &Config{BaseURL: "https://u:secret@s.example", Email: "e"}
	if d := hand.Describe(); strings.Contains(d, "secret") || strings.Contains(d, "u:") {
		t.Errorf("userinfo in the description: %q", d)
	}
}

func TestBaseURLRules(t *testing.T) {
	creds := map[string]string{"ZS_EMAIL": "e", "ZS_PASSWORD": "pw-never-shown"}
	for url, want := range map[string]string{
		"https://user:s3cr3t-pw@staging.example.com": `"https://***@staging.example.com" carries credentials before the host: put the account in ZS_EMAIL and ZS_PASSWORD`,
		"https://user@staging.example.com":           `carries credentials`,
		"ftp://staging.example.com":                  `is not an absolute http(s) URL with a host`,
		"https://":                                   `is not an absolute http(s) URL with a host`,
		"http://:8080":                               `is not an absolute http(s) URL with a host`,
		"staging.example.com":                        `is not an absolute http(s) URL with a host`,
		"https://staging.example.com/?x=1":           `must not carry a query or fragment`,
	} {
		env := map[string]string{"ZS_BASE_URL": url}
		maps.Copy(env, creds)
		_, err := Load("", envOf(env), known)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %v", url, want, err)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t-pw") || strings.Contains(err.Error(), "user") {
			t.Errorf("%s: the userinfo is printed: %v", url, err)
		}
	}
}

// Canaries hold what an escaping renderer changes: a quote, a backslash, an angle bracket, a
// leading space and a non-ASCII letter.
func TestConfigProblemsNeverPrintASecret(t *testing.T) {
	canary := ` pa"ss\wo<rd-é`
	forms := func(s string) []string {
		q := strconv.Quote(s)
		j, _ := json.Marshal(s)
		return []string{s, q[1 : len(q)-1], string(j[1 : len(j)-1]), strings.TrimSpace(s)}
	}
	check := func(name string, err error, secrets ...string) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: expected problems", name)
		}
		for _, s := range secrets {
			for _, f := range forms(s) {
				if strings.Contains(err.Error(), f) {
					t.Errorf("%s: a secret is printed as %q in:\n%s", name, f, err)
				}
			}
		}
	}
	// A ${VAR} value shows as written, whatever the variable holds.
	p := write(t, "target:\n  base_url: https://s.example\n  email: e\n  password: ${STAGING_PASSWORD}\nhttp:\n  timeout: ${STAGING_PASSWORD}\n")
	_, err := Load(p, envOf(map[string]string{"STAGING_PASSWORD": canary}), known)
	check("expanded", err, canary)
	if !strings.Contains(err.Error(), `http.timeout: "${STAGING_PASSWORD}" is not a duration`) {
		t.Errorf("the unexpanded text is not shown: %v", err)
	}
	// A value equal to a configured secret is masked, wherever it was given.
	_, err = Load("", envOf(map[string]string{"ZS_BASE_URL": "https://s.example", "ZS_EMAIL": "e", "ZS_PASSWORD": canary,
		"ZS_HTTP_TIMEOUT": canary, "ZS_AUTH_SCHEME": "x" + canary, "ZS_SIGNING_KEY": canary + "k"}), known)
	check("equal", err, canary, canary+"k")
	if !strings.Contains(err.Error(), `http.timeout: "***" is not a duration`) {
		t.Errorf("the masked value is not shown: %v", err)
	}
	// A password in the base URL is a secret too.
	_, err = Load("", envOf(map[string]string{"ZS_BASE_URL": "https://qa:" + url.PathEscape(canary) + "@s.example", "ZS_EMAIL": "e", "ZS_PASSWORD": "pw-never-shown", "ZS_HTTP_TIMEOUT": canary}), known)
	check("userinfo", err, canary, url.PathEscape(canary))
	// A secret is kept as given: never trimmed.
	c, err := Load("", envOf(map[string]string{"ZS_BASE_URL": "https://s.example", "ZS_EMAIL": "e", "ZS_PASSWORD": canary}), known)
	if err != nil || c.Password != canary {
		t.Fatalf("password not kept as given: %q %v", c.Password, err)
	}
	for _, s := range c.Effective() {
		for _, f := range forms(canary) {
			if strings.Contains(s.Value, f) {
				t.Errorf("%s shows the password: %q", s.Key.Path, s.Value)
			}
		}
	}
}

func TestUnknownVariablesNameTheClosestKnownOne(t *testing.T) {
	environ := []string{"ZS_BASEURL=https://s.example", "ZS_PASSWRD=hunter2-canary", "ZS_TIMEOUT=5s", "ZS_QQQQQQQQQQQQ=1",
		"ZS_MOCK_FAULTS=x", "ZS_CONFIG=", "ZS_STAGING_PW=p", "PATH=/bin", "ZS_MAX_SERVER_OFFSET=1m"}
	_, err := LoadOptions(Options{Environ: environ, Known: known, File: write(t, "http:\n  run_budget: 1m${ZS_STAGING_PW}\n")})
	all := fmt.Sprint(err)
	for _, want := range []string{
		"ZS_BASEURL: unknown variable; did you mean ZS_BASE_URL?",
		"ZS_PASSWRD: unknown variable; did you mean ZS_PASSWORD?",
		"ZS_TIMEOUT: unknown variable; did you mean ZS_HTTP_TIMEOUT?",
		"ZS_QQQQQQQQQQQQ: unknown variable; the known ones are in config.example.yaml",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in:\n%s", want, all)
		}
	}
	for _, quiet := range []string{"ZS_MOCK_FAULTS", "ZS_CONFIG", "ZS_STAGING_PW:", "ZS_MAX_SERVER_OFFSET", "hunter2-canary"} {
		if strings.Contains(all, quiet) {
			t.Errorf("%s must not be named:\n%s", quiet, all)
		}
	}
	// Load cannot see the environment's names, so it names none.
	if _, err := Load("", envOf(map[string]string{"ZS_BASEURL": "x"}), known); err != nil {
		t.Errorf("Load: %v", err)
	}
}

// Every ZS_* name this repository's scripts, workflows and programs use is one the suite knows,
// so that none of them turns into an "unknown variable" by accident.
func TestEveryVariableTheRepositoryUsesIsKnown(t *testing.T) {
	root, ok := ModuleRoot(".")
	if !ok {
		t.Skip("not inside the module's source tree")
	}
	// Shell variables of scripts/replica.sh, never exported: not part of any environment.
	// ZS_BASEURL is the README's example of a mistyped name.
	local := map[string]bool{"ZS_EMAIL_VALUE": true, "ZS_PASSWORD_VALUE": true, "ZS_BASEURL": true}
	name := regexp.MustCompile(`\bZS_[A-Z0-9_]*[A-Z0-9]\b`)
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") && d.Name() != ".github" && d.Name() != ".ci" || d.Name() == "reports" || d.Name() == "bin" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(p, "_test.go") && strings.HasPrefix(p, filepath.Join(root, "helpers", "config")) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || len(data) > 1<<20 {
			return nil
		}
		for _, n := range name.FindAllString(string(data), -1) {
			if !KnownVariable(n) && !local[n] {
				rel, _ := filepath.Rel(root, p)
				t.Errorf("%s uses %s, which the suite would call an unknown variable: add it to Keys or DoorVariables", rel, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFlagsWinAndNameTheirSource(t *testing.T) {
	c, err := LoadOptions(Options{Lookup: envOf(map[string]string{"ZS_HTTP_TIMEOUT": "3s"}), Flags: map[string]string{"http-timeout": "4s", "--strict": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Timeout != 4*time.Second || c.Sources["http.timeout"] != "--http-timeout" || !c.Strict {
		t.Errorf("flags: %v %v", c.Timeout, c.Sources["http.timeout"])
	}
	_, err = LoadOptions(Options{Flags: map[string]string{"base-ur": "x"}})
	if err == nil || !strings.Contains(err.Error(), "--base-ur: unknown flag; did you mean --base-url?") {
		t.Errorf("unknown flag: %v", err)
	}
}

func TestNewKeysDefaultsAndRules(t *testing.T) {
	c, err := Load("", envOf(nil), known)
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxServerOffset != 5*time.Minute || c.MaxHeaderBytes != 64<<10 || c.TLSCAFile != "" || c.TLSInsecureSkipVerify || len(c.Warnings()) != 0 {
		t.Errorf("defaults: %+v", c)
	}
	c, err = Load("", envOf(map[string]string{"ZS_MAX_HEADER_BYTES": "1MiB", "ZS_MAX_SERVER_OFFSET": "0"}), known)
	if err != nil || c.MaxHeaderBytes != 1<<20 || c.MaxServerOffset != 0 {
		t.Fatalf("1MiB: %v %v", c, err)
	}
	_, err = Load("", envOf(map[string]string{"ZS_MAX_HEADER_BYTES": "10", "ZS_MAX_SERVER_OFFSET": "-1m"}), known)
	for _, want := range []string{`http.max_header_bytes: "10" must be between 1KiB and 64MiB`, `clock.max_server_offset: "-1m" must not be negative`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q, got %v", want, err)
		}
	}
	_, err = Load("", envOf(map[string]string{"ZS_MAX_HEADER_BYTES": "lots"}), known)
	if err == nil || !strings.Contains(err.Error(), "is not a size") {
		t.Errorf("lots: %v", err)
	}
}

func TestTLSSettings(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "ca.pem")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "staging CA"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(good, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	garbage := filepath.Join(dir, "garbage.pem")
	os.WriteFile(garbage, []byte("not a certificate"), 0o600)
	broken := filepath.Join(dir, "broken.pem")
	os.WriteFile(broken, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("nope")}), 0o600)

	c, err := Load("", envOf(map[string]string{"ZS_TLS_CA_FILE": good}), known)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := c.TLSConfig()
	if err != nil || tc.RootCAs == nil || tc.InsecureSkipVerify {
		t.Errorf("ca_file: %v %v", tc, err)
	}
	for file, want := range map[string]string{filepath.Join(dir, "none.pem"): "cannot be read (no such file or directory)", garbage: "holds no PEM certificate", broken: "holds a certificate that does not parse"} {
		_, err := Load("", envOf(map[string]string{"ZS_TLS_CA_FILE": file}), known)
		if err == nil || !strings.Contains(err.Error(), "tls.ca_file: "+strconv.Quote(file)+" "+want) {
			t.Errorf("%s: want %q, got %v", file, want, err)
		}
	}
	c, err = Load("", envOf(map[string]string{"ZS_TLS_INSECURE_SKIP_VERIFY": "true"}), known)
	if err != nil {
		t.Fatal(err)
	}
	if tc, _ := c.TLSConfig(); !tc.InsecureSkipVerify || tc.RootCAs != nil {
		t.Errorf("insecure: %+v", tc)
	}
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], "tls.insecure_skip_verify is true (from ZS_TLS_INSECURE_SKIP_VERIFY)") {
		t.Errorf("warnings: %q", w)
	}
}

func TestPathsResolveAgainstTheModuleRootInsideIt(t *testing.T) {
	tmp, _ := filepath.EvalSymlinks(t.TempDir())
	ours := filepath.Join(tmp, "ours")
	other := filepath.Join(ours, "examples", "mock-author")
	outside := filepath.Join(tmp, "elsewhere")
	for _, d := range []string{filepath.Join(ours, "suites", "auth"), filepath.Join(other, "sub"), outside} {
		os.MkdirAll(d, 0o755)
	}
	os.WriteFile(filepath.Join(ours, "go.mod"), []byte("// comment\nmodule "+ModulePath+" // this one\n\ngo 1.26\n"), 0o600)
	os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/mock\n"), 0o600)
	for _, tc := range []struct{ p, wd, want string }{
		{"reports", filepath.Join(ours, "suites", "auth"), filepath.Join(ours, "reports")},
		{"reports", ours, filepath.Join(ours, "reports")},
		{"out/r", filepath.Join(other, "sub"), filepath.Join(other, "sub", "out", "r")},
		{"reports", outside, filepath.Join(outside, "reports")},
		{"/abs/./r", outside, "/abs/r"},
		{"", outside, ""},
	} {
		if got := ResolvePathFrom(tc.p, tc.wd); got != tc.want {
			t.Errorf("ResolvePathFrom(%q, %q) = %q, want %q", tc.p, tc.wd, got, tc.want)
		}
	}
	c, err := LoadOptions(Options{WorkDir: filepath.Join(ours, "suites", "auth"), Lookup: envOf(map[string]string{"ZS_FIXTURES": "fixtures/x"})})
	if err != nil {
		t.Fatal(err)
	}
	if c.ReportsDir != filepath.Join(ours, "reports") || c.Fixtures != filepath.Join(ours, "fixtures", "x") || c.RecordDir != "" {
		t.Errorf("loaded paths: %q %q %q", c.ReportsDir, c.Fixtures, c.RecordDir)
	}
	// The configuration file named by ZS_CONFIG resolves the same way, and is named as given.
	os.WriteFile(filepath.Join(ours, "staging.yaml"), []byte("strict: true\n"), 0o600)
	c, err = LoadOptions(Options{WorkDir: filepath.Join(ours, "suites", "auth"), Environ: []string{"ZS_CONFIG=staging.yaml"}})
	if err != nil || !c.Strict || c.Sources["strict"] != "staging.yaml line 1" {
		t.Errorf("ZS_CONFIG relative to the module root: %v %v", c, err)
	}
	// The test binary runs in this package's directory, inside this module.
	if got, _ := filepath.Abs(filepath.Join("..", "..", "reports")); ResolvePath("reports") != got {
		t.Errorf("ResolvePath(reports) = %q, want %q", ResolvePath("reports"), got)
	}
}

func TestEveryKeyIsDocumentedOnceWithItsOwnNames(t *testing.T) {
	seen := map[string]string{}
	for _, k := range Keys {
		if k.Doc == "" || strings.Contains(k.Doc, "\n") || k.Type == "" || k.set == nil || k.get == nil {
			t.Errorf("%s: needs a one-line Doc, a Type, set and get", k.Path)
		}
		for _, n := range []string{k.Path, k.Env, k.Flag()} {
			if prev, dup := seen[n]; dup && prev != k.Path {
				t.Errorf("%s is used by %s and %s", n, prev, k.Path)
			}
			seen[n] = k.Path
		}
		if !strings.HasPrefix(k.Env, "ZS_") {
			t.Errorf("%s: env %s does not start with ZS_", k.Path, k.Env)
		}
	}
}

var update = flag.Bool("update", false, "rewrite the README's configuration table from Keys")

// The README's configuration table is generated from Keys; -update rewrites it.
func TestReadmeTableIsTheKeyTable(t *testing.T) {
	path, _ := filepath.Abs(filepath.Join("..", "..", "README.md"))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- config-table:begin (generated from helpers/config Keys: go test ./helpers/config -run ReadmeTable -update) -->\n", "<!-- config-table:end -->"
	text := string(data)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q markers", begin, end)
	}
	if got, want := text[i+len(begin):j], MarkdownTable(); got != want {
		if *update {
			if err := os.WriteFile(path, []byte(text[:i+len(begin)]+want+text[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README.md's configuration table differs from Keys; run go test ./helpers/config -run ReadmeTable -update\n got:\n%s\nwant:\n%s", got, want)
	}
}

func TestPrintConfigAndUsageComeFromTheTable(t *testing.T) {
	c, err := Load("", envOf(map[string]string{"ZS_BASE_URL": "https://s.example", "ZS_EMAIL": "qa@example.com", "ZS_PASSWORD": "pw-canary", "ZS_SIGNING_KEY": "key-canary"}), known)
	if err != nil {
		t.Fatal(err)
	}
	out, usage := c.PrintConfig(), Usage()
	for _, k := range Keys {
		if !strings.Contains(out, k.Path+" ") || !strings.Contains(usage, "--"+k.Flag()+" ") || !strings.Contains(usage, k.Env) {
			t.Errorf("%s is missing from --print-config or --help", k.Path)
		}
	}
	if strings.Contains(out, "pw-canary") || strings.Contains(out, "key-canary") || !strings.Contains(out, "ZS_PASSWORD") || !strings.Contains(usage, "ZS_CONFIG") {
		t.Errorf("--print-config:\n%s", out)
	}
}
