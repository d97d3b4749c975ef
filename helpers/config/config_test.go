package config

import (
	"os"
	"path/filepath"
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
	path := filepath.Join("..", "..", "config.example.yaml")
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
	if _, err := Load(path, envOf(map[string]string{"ZS_STAGING_PASSWORD": "x"}), func(string) bool { return true }); err != nil {
		t.Errorf("config.example.yaml does not load: %v", err)
	}
}
