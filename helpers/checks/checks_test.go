package checks

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zonesmart/jwt-conformance/fixtures"
	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/replay"
	"github.com/zonesmart/jwt-conformance/helpers/tokens"
)

const (
	pageRefresh  = fixtures.PageRefreshToken
	pageAccess   = fixtures.PageAccessToken
	pageRefreshd = fixtures.PageRefreshedAccessToken
)

func pageDoc(t *testing.T) string {
	data, err := fs.ReadFile(fixtures.Page, "page/auth.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// walk replays a fixture document through the real client, gock and flow, as the suite does.
func walk(t *testing.T, doc string) *flow.Flow {
	t.Helper()
	set, err := replay.Load(fstest.MapFS{"f/auth.yaml": {Data: []byte(doc)}}, "f")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load("", func(string) (string, bool) { return "", false }, nil)
	if err != nil {
		t.Fatal(err)
	}
	const base = "http://zonesmart.invalid"
	client := httpx.New(base, time.Second)
	s := replay.Start(client.HTTP, base, set.Fixtures)
	defer s.Stop()
	client.Times = s.Times
	email, pw, err := set.Credentials()
	if err != nil {
		t.Fatal(err)
	}
	f := flow.Run(context.Background(), flow.Options{Client: client, Config: cfg, Email: email, Password: pw, Recorded: set.Has})
	if p := s.Problems(); len(p) > 0 {
		t.Fatalf("replay problems: %v", p)
	}
	return f
}

func env() Env {
	return Env{Email: "admin@zonesmart.ru", AccessLifetime: 2 * time.Hour, RefreshLifetime: 90 * 24 * time.Hour,
		Skew: 30 * time.Second, Scheme: "JWT", Algorithm: "HS256", RefreshMethod: "GET"}
}

func failing(results map[string]Result) []string {
	var out []string
	for id, r := range results {
		if r.Outcome == Fail {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// retoken replaces a token everywhere in the document with an altered one.
func retoken(t *testing.T, raw string, mutate func(h, c map[string]any)) func(string) string {
	return func(doc string) string {
		altered, err := tokens.Alter(raw, mutate)
		if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(doc, raw, altered)
	}
}

// refusalFixture is one walked refusal as a fixture, with the answer the real stack gives it.
type refusalFixture struct {
	step, method, path, auth, contentType string
	body                                  string // the request body: JSON, or text when not JSON
	status                                int
	answerType, answer                    string
	challenge                             string // WWW-Authenticate, when the answer carries one
}

// realRefusals are the flow's walked refusals as the replica of the real stack answers them.
func realRefusals() []refusalFixture {
	const create, me, refresh = "/v1/zonesmart/auth/jwt/create/", "/users/me/", "/auth/jwt/refresh/"
	const js = "application/json"
	return []refusalFixture{
		{"me-anonymous", "GET", me, "", js, "", 401, js, `{"detail":"Authentication credentials were not provided."}`, `JWT realm="api"`},
		{"me-example-token", "GET", me, "JWT " + pageAccess, js, "", 401, js, `{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"message":"Token is invalid or expired"}]}`, ""},
		{"me-refresh-token", "GET", me, "JWT " + pageRefresh, js, "", 401, js, `{"detail":"Given token not valid for any token type","code":"token_not_valid"}`, ""},
		{"create-missing-field", "POST", create, "", js, `{"email":""}`, 400, js, `{"email":["This field may not be blank."],"password":["This field is required."]}`, ""},
		{"create-missing-email", "POST", create, "", js, `{"password":""}`, 400, js, `{"email":["This field is required."],"password":["This field may not be blank."]}`, ""},
		{"create-not-json", "POST", create, "", js, "this is not JSON", 400, js, `{"detail":"JSON parse error - Expecting value: line 1 column 1 (char 0)"}`, ""},
		{"create-content-type", "POST", create, "", "text/plain", `{"email":"admin@zonesmart.ru","password":"4815162342"}`, 415, js, `{"detail":"Unsupported media type \"text/plain\" in request."}`, ""},
		{"me-scheme-only", "GET", me, "JWT", js, "", 401, js, `{"detail":"Authorization header must contain two space-delimited values","code":"bad_authorization_header"}`, ""},
		{"refresh-missing-field", "GET", refresh, "", js, `{}`, 400, js, `{"refresh":["This field is required."]}`, ""},
		{"refresh-garbage", "GET", refresh, "", js, `{"refresh":"not-a-jwt"}`, 401, js, `{"detail":"Token is invalid or expired","code":"token_not_valid"}`, ""},
		{"refresh-not-json", "GET", refresh, "", js, "this is not JSON", 400, js, `{"detail":"JSON parse error - Expecting value: line 1 column 1 (char 0)"}`, ""},
		{"refresh-content-type", "GET", refresh, "", "text/plain", `{"refresh":"` + pageRefresh + `"}`, 415, js, `{"detail":"Unsupported media type \"text/plain\" in request."}`, ""},
	}
}

// withRefusals adds the walked refusals to the page's examples, each as the real stack answers
// it unless alter changes it.
func withRefusals(alter func(r *refusalFixture)) func(string) string {
	return func(doc string) string {
		var b strings.Builder
		b.WriteString(strings.TrimRight(doc, "\n") + "\n")
		for _, r := range realRefusals() {
			if alter != nil {
				alter(&r)
			}
			fmt.Fprintf(&b, "\n  - step: %s\n    request:\n      method: %s\n      path: %s\n      headers:\n        Content-Type: %s\n", r.step, r.method, r.path, r.contentType)
			if r.auth != "" {
				fmt.Fprintf(&b, "        Authorization: %s\n", r.auth)
			}
			switch {
			case r.body == "":
			case json.Valid([]byte(r.body)):
				fmt.Fprintf(&b, "      body: %s\n", r.body)
			default:
				fmt.Fprintf(&b, "      body_text: %q\n", r.body)
			}
			fmt.Fprintf(&b, "    response:\n      status: %d\n      headers:\n        Content-Type: %s\n", r.status, r.answerType)
			if r.challenge != "" {
				fmt.Fprintf(&b, "        WWW-Authenticate: %s\n", strconv.Quote(r.challenge))
			}
			if json.Valid([]byte(r.answer)) {
				fmt.Fprintf(&b, "      body: %s\n", r.answer)
			} else {
				fmt.Fprintf(&b, "      body_text: %q\n", r.answer)
			}
		}
		return b.String()
	}
}

// oneRefusal alters the walked refusal of one step.
func oneRefusal(step string, alter func(r *refusalFixture)) func(string) string {
	return withRefusals(func(r *refusalFixture) {
		if r.step == step {
			alter(r)
		}
	})
}

func replace(old, new string) func(string) string {
	return func(doc string) string { return strings.Replace(doc, old, new, 1) }
}

// Every catalogue clause outside the negative section has a check, and every check names a
// catalogue clause; helpers/negative ties the negative section to its cases the same way.
func TestEveryCatalogueClauseOfTheFlowHasACheck(t *testing.T) {
	cat, err := clauses.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, cl := range cat.Clauses {
		if _, ok := For(cl.ID); !ok && cl.Section != negativeSection {
			t.Errorf("clause %s (%s) has no check: add a Clause value in helpers/checks", cl.ID, cl.Section)
		}
	}
	seen := map[string]bool{}
	for _, c := range All {
		if _, ok := cat.Get(c.ID); !ok {
			t.Errorf("check %s is not in the catalogue", c.ID)
		}
		if seen[c.ID] {
			t.Errorf("two check values carry %s", c.ID)
		}
		seen[c.ID] = true
	}
}

// negativeSection is the catalogue section whose clauses the negative cases judge.
const negativeSection = "implied: authorisation is required"

func TestThePageConforms(t *testing.T) {
	results := Evaluate(walk(t, pageDoc(t)), env())
	if f := failing(results); len(f) > 0 {
		for _, id := range f {
			t.Errorf("%s: %s", id, results[id].Message)
		}
	}
	// What the page does not show is skipped, with a reason, never passed.
	for _, id := range []string{"ME-ANON-REFUSED", "REFRESH-REUSABLE", "REFRESH-ACCESS-WORKS", "LIFETIME-ACCESS", "KEY-SIGNATURE"} {
		if r := results[id]; r.Outcome != Skip || r.Message == "" {
			t.Errorf("%s should be skipped with a reason offline, got %+v", id, r)
		}
	}
	for _, id := range []string{"LIFETIME-PAIR", "REFRESH-LIFETIME", "TOKEN-HEADER", "CLAIM-JTI", "ME-IDENTITY", "REFRESH-IDENTITY"} {
		if r := results[id]; r.Outcome != Pass {
			t.Errorf("%s should pass on the page, got %+v", id, r)
		}
	}
}

// Altered examples: each deviation must fail its clause and only that clause.
func TestAlteredExamplesFailExactlyTheirClause(t *testing.T) {
	refreshFallback := `
  - step: refresh-fallback
    request:
      method: POST
      path: /auth/jwt/refresh/
      headers:
        Content-Type: application/json
      body:
        refresh: ` + pageRefresh + `
    response:
      status: 200
      headers:
        Content-Type: application/json
      body:
        access: ` + pageRefreshd + "\n"
	cases := []struct {
		name   string
		alter  func(string) string
		breaks []string
	}{
		{"access token lives 1 h longer", retoken(t, pageAccess, func(_, c map[string]any) { c["exp"] = 1591878835 + 3600 }), []string{"LIFETIME-PAIR"}},
		{"refresh token lives 89 days", retoken(t, pageRefresh, func(_, c map[string]any) { c["exp"] = 1599647635 - 86400 }), []string{"LIFETIME-PAIR"}},
		{"a claim is missing", retoken(t, pageAccess, func(_, c map[string]any) { delete(c, "phone") }), []string{"CLAIM-PHONE"}},
		{"user_id is a string", retoken(t, pageAccess, func(_, c map[string]any) { c["user_id"] = "1" }), []string{"CLAIM-USER-ID"}},
		{"has_access is a string", retoken(t, pageRefresh, func(_, c map[string]any) { c["has_access"] = "false" }), []string{"CLAIM-HAS-ACCESS", "REFRESH-IDENTITY"}},
		{"exp is a float", retoken(t, pageRefreshd, func(_, c map[string]any) { c["exp"] = 1591879312.5 }), []string{"CLAIM-EXP"}},
		{"token_type swapped", retoken(t, pageAccess, func(_, c map[string]any) { c["token_type"] = "refresh" }), []string{"CLAIM-TOKEN-TYPE"}},
		{"username missing", retoken(t, pageRefreshd, func(_, c map[string]any) { delete(c, "username") }), []string{"CLAIM-USERNAME", "REFRESH-IDENTITY"}},
		{"access_until is a boolean", retoken(t, pageAccess, func(_, c map[string]any) { c["access_until"] = true }), []string{"CLAIM-ACCESS-UNTIL"}},
		{"email is another user's", retoken(t, pageAccess, func(_, c map[string]any) { c["email"] = "root@zonesmart.ru" }), []string{"CLAIM-EMAIL"}},
		{"another algorithm", retoken(t, pageAccess, func(h, _ map[string]any) { h["alg"] = "HS512" }), []string{"TOKEN-HEADER"}},
		{"typ missing", retoken(t, pageRefresh, func(h, _ map[string]any) { delete(h, "typ") }), []string{"TOKEN-HEADER"}},
		{"jti in capitals", retoken(t, pageRefresh, func(_, c map[string]any) { c["jti"] = "DB4D00768395422999 67F86999A77B30" }), []string{"CLAIM-JTI"}},
		{"one jti for the pair", retoken(t, pageRefresh, func(_, c map[string]any) { c["jti"] = "33ec5c22ff1742f9beee96de0a6db707" }), []string{"JTI-DISTINCT"}},
		{"refresh reuses the access jti", retoken(t, pageRefreshd, func(_, c map[string]any) { c["jti"] = "33ec5c22ff1742f9beee96de0a6db707" }), []string{"REFRESH-JTI-FRESH"}},
		{"refreshed token names another username", retoken(t, pageRefreshd, func(_, c map[string]any) { c["username"] = "root" }), []string{"REFRESH-IDENTITY"}},
		{"refreshed token older than the log-in", retoken(t, pageRefreshd, func(_, c map[string]any) { c["exp"] = 1591878835 - 3600 }), []string{"REFRESH-LIFETIME"}},
		{"undocumented claim (a SHOULD)", retoken(t, pageAccess, func(_, c map[string]any) { c["iss"] = "zonesmart" }), []string{"CLAIM-EXTRA"}},
		{"iat with the exact lifetime", retoken(t, pageAccess, func(_, c map[string]any) { c["iat"] = 1591878835 - 7200 }), []string{"CLAIM-EXTRA"}},
		{"iat showing a 3 h lifetime", retoken(t, pageAccess, func(_, c map[string]any) { c["iat"] = 1591878835 - 3*3600 }), []string{"CLAIM-EXTRA", "LIFETIME-ACCESS"}},
		{"token of two segments", func(doc string) string { return strings.ReplaceAll(doc, pageAccess, "eyJhbGciOiJIUzI1NiJ9.c2ln") }, []string{"TOKEN-JWS"}},
		{"create answers 201", replace("status: 200", "status: 201"), []string{"CREATE-STATUS"}},
		{"create answers text/html", replace("      headers:\n        Content-Type: application/json\n      body:\n        refresh", "      headers:\n        Content-Type: text/html\n      body:\n        refresh"), []string{"CREATE-JSON"}},
		{"create answer has an extra field (a SHOULD)", replace("        refresh: eyJ", "        user: 1\n        refresh: eyJ"), []string{"CREATE-FIELDS"}},
		{"create answer lacks refresh", func(doc string) string {
			// With no refresh token the suite sends no refresh, so that fixture goes too.
			doc = doc[:strings.Index(doc, "  - step: refresh")]
			return strings.Replace(doc, "        refresh: eyJ", "        refresh_token: eyJ", 1)
		}, []string{"CREATE-SHAPE", "CREATE-FIELDS"}},
		{"me id is a string", replace("        id: 1", `        id: "1"`), []string{"ME-SHAPE"}},
		{"me names another user", replace("        id: 1", "        id: 2"), []string{"ME-IDENTITY"}},
		{"me answers 202", func(doc string) string {
			i := strings.Index(doc, "step: me")
			return doc[:i] + strings.Replace(doc[i:], "status: 200", "status: 202", 1)
		}, []string{"ME-STATUS"}},
		{"me has an extra field (a SHOULD)", replace("        id: 1", "        id: 1\n        phone: null"), []string{"ME-FIELDS"}},
		{"refresh answer has an extra field (a SHOULD)", func(doc string) string { return doc + "        refresh: rotated\n" }, []string{"REFRESH-FIELDS"}},
		{"me answers text/html", func(doc string) string {
			i := strings.Index(doc, "step: me")
			return doc[:i] + strings.Replace(doc[i:], "Content-Type: application/json\n      body:\n        id: 1", "Content-Type: text/html\n      body:\n        id: 1", 1)
		}, []string{"ME-JSON"}},
		{"refresh answers text/html", func(doc string) string {
			i := strings.Index(doc, "step: refresh")
			return doc[:i] + strings.Replace(doc[i:], "      headers:\n        Content-Type: application/json\n      body:\n        access", "      headers:\n        Content-Type: text/html\n      body:\n        access", 1)
		}, []string{"REFRESH-JSON"}},
		{"the real stack's refusals", withRefusals(nil), nil},
		{"a refresh token refused with 403, the rest with 401 (a SHOULD)", oneRefusal("me-refresh-token", func(r *refusalFixture) { r.status = 403 }), []string{"ME-REFUSAL-CONSISTENT"}},
		{"me refuses no token as text/html (a SHOULD)", oneRefusal("me-anonymous", func(r *refusalFixture) { r.answerType = "text/html" }), []string{"ME-REFUSAL-JSON"}},
		{"me words a refusal {error} (a SHOULD)", oneRefusal("me-scheme-only", func(r *refusalFixture) { r.answer = `{"error":"bad header"}` }), []string{"ME-ERROR-SHAPE"}},
		{"create refuses a body that is not JSON as text/html (a SHOULD)", oneRefusal("create-not-json", func(r *refusalFixture) { r.answerType = "text/html" }), []string{"CREATE-REFUSAL-JSON"}},
		{"create refuses text/plain with an HTML page (a SHOULD)", oneRefusal("create-content-type", func(r *refusalFixture) { r.answerType, r.answer = "text/html", "<h1>Unsupported</h1>" }), []string{"CREATE-REFUSAL-JSON", "CREATE-ERROR-SHAPE"}},
		{"create lists field errors its own way (a SHOULD)", oneRefusal("create-missing-email", func(r *refusalFixture) {
			r.answer = `{"errors":[{"field":"email","message":"required"},{"field":"password","message":"blank"}]}`
		}), []string{"CREATE-ERROR-SHAPE"}},
		{"refresh refuses garbage as text/html (a SHOULD)", oneRefusal("refresh-garbage", func(r *refusalFixture) { r.answerType = "text/html" }), []string{"REFRESH-REFUSAL-JSON"}},
		{"refresh's detail is not a string (a SHOULD)", oneRefusal("refresh-not-json", func(r *refusalFixture) { r.answer = `{"detail":{"parse":"error"}}` }), []string{"REFRESH-ERROR-SHAPE"}},
		{"refresh by GET answers 405, POST works", func(doc string) string {
			i := strings.Index(doc, "step: refresh")
			tail := strings.Replace(doc[i:], "status: 200", "status: 405", 1)
			tail = strings.Replace(tail, "Content-Type: application/json\n      body:\n        access: "+pageRefreshd, "Content-Type: application/json\n        Allow: POST, OPTIONS\n      body:\n        detail: Method \"GET\" not allowed.", 1)
			return doc[:i] + tail + refreshFallback
		}, []string{"REFRESH-METHOD"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			results := Evaluate(walk(t, tc.alter(pageDoc(t))), env())
			got := failing(results)
			want := append([]string(nil), tc.breaks...)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				var msgs []string
				for _, id := range got {
					msgs = append(msgs, id+": "+results[id].Message)
				}
				t.Errorf("failing clauses %v, want %v\n%s", got, want, strings.Join(msgs, "\n"))
			}
			for _, id := range want {
				if results[id].Message == "" {
					t.Errorf("%s failed without saying why", id)
				}
			}
		})
	}
}

func TestUnreachableTargetFailsEveryClauseWithOneReason(t *testing.T) {
	f := &flow.Flow{Fatal: "target unreachable: connection refused", Exchanges: map[string]*httpx.Exchange{}, NotSent: map[string]string{}}
	for id, r := range Evaluate(f, env()) {
		if r.Outcome != Fail || r.Message != f.Fatal {
			t.Errorf("%s: %+v", id, r)
		}
	}
}
