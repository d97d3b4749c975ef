package negative

import (
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
)

// The answers the real stack gives (the replica, both modes), and a wrong answer for each case
// of the coverage matrix: the real one passes, the wrong one fails, naming what is wrong.
func TestFieldMistakeCasesJudgeTheirAnswers(t *testing.T) {
	access, _ := issued(t)
	const (
		drfCreateNull = `{"email":["This field may not be null."],"password":["This field may not be null."]}`
		drfCreateType = `{"email":["Not a valid string."],"password":["Not a valid string."]}`
		drfRefresh    = `{"refresh":["This field may not be blank."]}`
		drfInvalid    = `{"detail":"Token is invalid or expired","code":"token_not_valid"}`
		drfNoCreds    = `{"detail":"Authentication credentials were not provided."}`
		noAccount     = `{"detail":"No active account found with the given credentials"}`
	)
	json := "application/json"
	for _, tc := range []struct {
		c         Case
		good, bad *httpx.Exchange
		says      string
	}{
		{CreateNullField, exchange("s", 400, json, drfCreateNull), exchange("s", 500, "text/html", "Server Error"), "expected 400"},
		{CreateWrongType, exchange("s", 400, json, drfCreateType), exchange("s", 401, json, noAccount), "expected 400"},
		{CreateLongField, exchange("s", 400, json, `{"password":["This field is required."]}`), exchange("s", 500, "text/html", "Server Error"), "expected a 4xx"},
		{CreateLongBoth, exchange("s", 401, json, noAccount), exchange("s", 200, json, `{"access":"`+access+`"}`), "expected a 4xx"},
		{CreateBlankFields, exchange("s", 400, json, `{"email":["This field may not be blank."],"password":["This field may not be blank."]}`), exchange("s", 400, json, `{"email":["This field may not be blank."]}`), "no error for password"},
		{MeEmptyHeader, exchange("s", 401, json, drfNoCreds), exchange("s", 500, "text/html", "Server Error"), "expected a refusal"},
		{MeLongHeader, exchange("s", 401, json, drfInvalid), exchange("s", 500, "text/html", "Server Error"), "expected a 4xx"},
		{MeLongerHeader, exchange("s", 400, "text/html", "Error parsing headers"), exchange("s", 502, "text/html", "Bad Gateway"), "expected a 4xx"},
		{RefreshEmptyField, exchange("s", 400, json, drfRefresh), exchange("s", 401, json, drfInvalid), "expected 400"},
		{RefreshBlankField, exchange("s", 400, json, drfRefresh), exchange("s", 400, json, `{"detail":"bad request"}`), "no error for refresh"},
		{RefreshNullField, exchange("s", 400, json, `{"refresh":["This field may not be null."]}`), exchange("s", 500, "text/html", "Server Error"), "expected 400"},
		{RefreshWrongType, exchange("s", 400, json, `{"refresh":["Not a valid string."]}`), exchange("s", 401, json, drfInvalid), "expected 400"},
		{RefreshWrongTypeObject, exchange("s", 400, json, `{"refresh":["Not a valid string."]}`), exchange("s", 401, json, drfInvalid), "expected 400"},
		{RefreshLongField, exchange("s", 401, json, drfInvalid), exchange("s", 500, "text/html", "Server Error"), "expected a 4xx"},
		{RefreshOversized, exchange("s", 400, json, `{"refresh":["This field is required."]}`), exchange("s", 500, "text/html", "Server Error"), "expected a 4xx"},
	} {
		reqs := build(t, tc.c, evidence(t))
		good := make([]*httpx.Exchange, len(reqs))
		for i := range good {
			good[i] = tc.good
		}
		if r := tc.c.Judge(good); r.Outcome != checks.Pass {
			t.Errorf("%s (%s): the real stack's answer fails: %s", tc.c.Clause, reqs[0].Call.Step, r.Message)
		}
		bad := append(good[:len(good)-1:len(good)-1], tc.bad)
		if r := tc.c.Judge(bad); r.Outcome != checks.Fail || !strings.Contains(r.Message, tc.says) {
			t.Errorf("%s (%s): a wrong answer gives %+v, want a failure saying %q", tc.c.Clause, reqs[0].Call.Step, r, tc.says)
		}
	}
}

// The requests of the field cases: each field's mistake, and never the configured account.
func TestFieldMistakeRequests(t *testing.T) {
	ev := evidence(t)
	for c, want := range map[*Case]string{
		&CreateNullField:        `{"email":null,"password":null}`,
		&CreateWrongType:        `{"email":[],"password":{}}`,
		&CreateBlankFields:      `{"email":"   ","password":"   "}`,
		&RefreshEmptyField:      `{"refresh":""}`,
		&RefreshBlankField:      `{"refresh":"   "}`,
		&RefreshNullField:       `{"refresh":null}`,
		&RefreshWrongType:       `{"refresh":[]}`,
		&RefreshWrongTypeObject: `{"refresh":{}}`,
	} {
		if got := string(build(t, *c, ev)[0].Call.Body); got != want {
			t.Errorf("%s: body %s, want %s", c.Clause, got, want)
		}
	}
	long := build(t, CreateLongField, ev)
	if len(long) != 2 || !strings.HasPrefix(string(long[0].Call.Body), `{"email":"aaa`) || !strings.HasPrefix(string(long[1].Call.Body), `{"password":"aaa`) ||
		len(long[0].Call.Body) < LongValueBytes || len(long[1].Call.Body) < LongValueBytes {
		t.Errorf("CREATE-LONG-FIELD: each long field alone, the other missing: %.40q, %.40q", long[0].Call.Body, long[1].Call.Body)
	}
	if both := build(t, CreateLongBoth, ev)[0].Call; !strings.Contains(string(both.Body), UnknownEmail) || !both.Password {
		t.Errorf("the long log-in names an unknown email and is never retried: %.60q", both.Body)
	}
	if h := build(t, MeEmptyHeader, ev)[0].Call.Header; len(h.Values("Authorization")) != 1 || h.Get("Authorization") != "" {
		t.Errorf("the empty header must be present and empty: %v", h)
	}
	for c, n := range map[*Case]int{&MeLongHeader: LongHeaderBytes, &MeLongerHeader: LongerHeaderBytes} {
		if got := build(t, *c, ev)[0].Call.Header.Get("Authorization"); got != "JWT "+strings.Repeat("a", n) {
			t.Errorf("%s: Authorization of %d bytes, want JWT and %d", c.Clause, len(got), n)
		}
	}
	for _, c := range []Case{CreateLongBoth, CreateBlankFields, MeLongerHeader, RefreshBlankField, RefreshWrongTypeObject} {
		if !c.Exhaustive {
			t.Errorf("%s: an extra request of a mistake the default run sends must be exhaustive", c.Clause)
		}
	}
}

// The walked refusal clauses judge the flow's exchanges; a step the flow did not send skips
// them, with the flow's reason.
func TestWalkedClauses(t *testing.T) {
	json := "application/json"
	f := &flow.Flow{Exchanges: map[string]*httpx.Exchange{
		flow.CreateMissingField: exchange(flow.CreateMissingField, 400, json, `{"email":["This field may not be blank."],"password":["This field is required."]}`),
		flow.CreateMissingEmail: exchange(flow.CreateMissingEmail, 400, json, `{"email":["This field is required."],"password":["This field may not be blank."]}`),
		flow.CreateNotJSON:      exchange(flow.CreateNotJSON, 400, json, `{"detail":"JSON parse error"}`),
		flow.CreateContentType:  exchange(flow.CreateContentType, 415, json, `{"detail":"Unsupported media type"}`),
		flow.MeSchemeOnly:       exchange(flow.MeSchemeOnly, 401, json, `{"detail":"Authorization header must contain two space-delimited values"}`),
		flow.RefreshGarbage:     exchange(flow.RefreshGarbage, 401, json, `{"detail":"Token is invalid or expired"}`),
		flow.RefreshNotJSON:     exchange(flow.RefreshNotJSON, 400, json, `{"detail":"JSON parse error"}`),
		flow.RefreshContentType: exchange(flow.RefreshContentType, 415, json, `{"detail":"Unsupported media type"}`),
	}, NotSent: map[string]string{flow.RefreshMissingField: "not replayed: the fixtures record no \"refresh-missing-field\" exchange"}}
	for _, c := range Walked {
		r := c.Check(f, checks.Env{})
		if c.ID == "REFRESH-MISSING-FIELD" {
			if r.Outcome != checks.Skip || !strings.Contains(r.Message, "not replayed") {
				t.Errorf("%s: a step the flow did not send skips with its reason, got %+v", c.ID, r)
			}
			continue
		}
		if r.Outcome != checks.Pass {
			t.Errorf("%s: %+v", c.ID, r)
		}
	}
	// One answer wrong: the missing email's 400 names no password.
	f.Exchanges[flow.CreateMissingEmail] = exchange(flow.CreateMissingEmail, 400, json, `{"email":["This field is required."]}`)
	if r := CreateMissingField.Check(f, checks.Env{}); r.Outcome != checks.Fail || !strings.Contains(r.Message, "create-missing-email: the 400 answer names no error for password") {
		t.Errorf("CREATE-MISSING-FIELD: %+v", r)
	}
	f.Exchanges[flow.RefreshContentType] = exchange(flow.RefreshContentType, 200, json, `{"access":"x"}`)
	if r := RefreshContentType.Check(f, checks.Env{}); r.Outcome != checks.Fail {
		t.Errorf("REFRESH-CONTENT-TYPE must fail on a 200: %+v", r)
	}
}
