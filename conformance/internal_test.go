package conformance

import (
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/report"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
)

func TestEnvironmentIsTheTargetsAlone(t *testing.T) {
	t.Setenv("ZS_STRICT", "true")
	env, err := environment(Target{BaseURL: "http://127.0.0.1:9", Email: "a@b.c", Password: "pw",
		Settings: map[string]string{"ZS_REFRESH_METHOD": "POST"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ZS_BASE_URL": "http://127.0.0.1:9", "ZS_EMAIL": "a@b.c", "ZS_PASSWORD": "pw", "ZS_REFRESH_METHOD": "POST"}
	if len(env) != len(want) {
		t.Errorf("environment %v, want %v", env, want)
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
}

func TestEnvironmentRefusesWhatItCannotUse(t *testing.T) {
	for _, tc := range []struct {
		target Target
		says   string
	}{
		{Target{}, "Target.BaseURL is empty"},
		{Target{BaseURL: "http://x", Settings: map[string]string{"ZS_PASSWORD": "pw"}}, "set Target.Password instead"},
		{Target{BaseURL: "http://x", Settings: map[string]string{"ZS_REFRESH_METOD": "POST"}}, `["ZS_REFRESH_METOD"] is not a setting`},
	} {
		_, err := environment(tc.target)
		if err == nil || !strings.Contains(err.Error(), tc.says) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: error %v, want one line saying %q", tc.target, err, tc.says)
		}
	}
}

func TestFindingsNameTheClauseAndItsFinding(t *testing.T) {
	cl := func(id string, sev clauses.Severity, v verdict.Kind, msg string) report.ClauseVerdict {
		return report.ClauseVerdict{Clause: clauses.Clause{ID: id, Severity: sev, Endpoint: "refresh"}, Verdict: v,
			Specs: []report.SpecVerdict{{Verdict: v, Message: msg}}}
	}
	s := report.Summary{Clauses: []report.ClauseVerdict{
		cl("REFRESH-OK", clauses.Must, verdict.Pass, ""),
		cl("REFRESH-METHOD", clauses.Must, verdict.Fail, "[REFRESH-METHOD · MUST · Using the refresh token] GET …\n  found: 405 Method Not Allowed"),
		cl("REFRESH-SOON", clauses.Should, verdict.Warn, "took 3s (a SHOULD: fails the run only with strict: true)"),
		cl("REFRESH-SKIP", clauses.Must, verdict.Skip, "needs the signing key"),
	}}
	var got []string
	for _, f := range Findings(s) {
		got = append(got, f.String())
	}
	want := []string{"REFRESH-METHOD (MUST, refresh): fail: 405 Method Not Allowed", "REFRESH-SOON (SHOULD, refresh): warn: took 3s (a SHOULD: fails the run only with strict: true)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("findings %q, want %q", got, want)
	}
}
