package negative

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/tokens"
)

const testKey = "negative-test-key"

var now = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// issued mints the pair a server would issue at now, signed with testKey.
func issued(t *testing.T) (access, refresh string) {
	t.Helper()
	base := map[string]any{"user_id": 1, "email": "qa@example.com", "phone": nil, "username": "qa", "access_until": nil, "has_access": false}
	mint := func(tokenType, jti string, life time.Duration) string {
		c := map[string]any{"token_type": tokenType, "jti": jti, "exp": now.Add(life).Unix()}
		for k, v := range base {
			c[k] = v
		}
		s, err := tokens.Mint(c, []byte(testKey), "HS256")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	return mint("access", strings.Repeat("a", 32), 2*time.Hour), mint("refresh", strings.Repeat("b", 32), 90*24*time.Hour)
}

func evidence(t *testing.T) Evidence {
	access, refresh := issued(t)
	return Evidence{
		Email: "qa@example.com", Password: "the-real-password", Access: access, Refresh: refresh,
		Create:    config.Endpoint{Method: "POST", Path: "/v1/zonesmart/auth/jwt/create/"},
		Me:        config.Endpoint{Method: "GET", Path: "/users/me/"},
		RefreshAt: config.Endpoint{Method: "POST", Path: "/auth/jwt/refresh/"},
		Scheme:    "JWT", Algorithm: "HS256", Key: []byte(testKey),
		Skew: 30 * time.Second, AccessLifetime: 2 * time.Hour, RefreshLifetime: 90 * 24 * time.Hour,
		Now: now, Malformed: MaxMalformed,
	}
}

func build(t *testing.T, c Case, ev Evidence) []Request {
	t.Helper()
	reqs, err := c.Build(ev)
	if err != nil {
		t.Fatalf("%s: %v", c.Clause, err)
	}
	if len(reqs) == 0 {
		t.Fatalf("%s builds no request", c.Clause)
	}
	return reqs
}

func TestEveryCaseHasAClauseAndEveryNegativeClauseACase(t *testing.T) {
	cat, err := clauses.Default()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, c := range Cases() {
		if _, ok := cat.Get(c.Clause); !ok {
			t.Errorf("a case names unknown clause %s", c.Clause)
		}
		covered[c.Clause] = true
	}
	// Refusals the flow walks are judged there: by a walked clause, or a family's flow check.
	for _, c := range append(append([]checks.Clause(nil), Walked...), checks.All...) {
		covered[c.ID] = true
	}
	for _, cl := range cat.Clauses {
		if cl.Section == "implied: authorisation is required" && !covered[cl.ID] {
			t.Errorf("clause %s has no negative case nor walked clause", cl.ID)
		}
	}
}

func TestRequestsAreDeterministicAndStepsUnique(t *testing.T) {
	ev := evidence(t)
	steps := map[string]string{}
	for _, c := range Cases() {
		a, b := build(t, c, ev), build(t, c, ev)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two builds from the same evidence differ", c.Clause)
		}
		for _, r := range a {
			if r.Call.Step == "" || steps[r.Call.Step] != "" {
				t.Errorf("%s: step %q is empty or also used by %s", c.Clause, r.Call.Step, steps[r.Call.Step])
			}
			steps[r.Call.Step] = c.Clause
			if m := r.Call.Method; m != "GET" && m != "POST" {
				t.Errorf("%s: sends %s", r.Call.Step, m)
			}
		}
	}
}

// No case carries the real password (only the flow does: its log-in, and the same log-in as
// text/plain, each sent once); malformed bodies never name the configured account.
func TestSecretsAndTheAccountStayOutOfTheRequests(t *testing.T) {
	ev := evidence(t)
	for _, c := range Cases() {
		for _, r := range build(t, c, ev) {
			wire := string(r.Call.Body) + headerText(r.Call.Header)
			if strings.Contains(wire, ev.Password) {
				t.Errorf("%s: carries the configured password: %v", r.Call.Step, strings.Contains(wire, ev.Password))
			}
			if strings.Contains(wire, testKey) {
				t.Errorf("%s: carries the signing key", r.Call.Step)
			}
			if strings.Contains(wire, ev.Email) && !isLogIn(r.Call.Body) {
				t.Errorf("%s: a malformed body names the configured email", r.Call.Step)
			}
			if logIn := isLogIn(r.Call.Body); logIn != r.Call.Password {
				t.Errorf("%s: is a log-in (an email and a password) %v, marked Password (never retried) %v", r.Call.Step, logIn, r.Call.Password)
			}
		}
	}
}

// isLogIn reports whether a body is an object holding an email and a password, both non-empty
// strings: a request a server takes for a log-in.
func isLogIn(body []byte) bool {
	var v map[string]any
	if json.Unmarshal(body, &v) != nil {
		return false
	}
	email, _ := v["email"].(string)
	password, _ := v["password"].(string)
	// DRF trims whitespace: a blank value is an empty one, not a log-in.
	return strings.TrimSpace(email) != "" && strings.TrimSpace(password) != ""
}

func headerText(h http.Header) string {
	var b strings.Builder
	for k, vs := range h {
		b.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
	}
	return b.String()
}

// The wrong-password attempts are numbered 1..n in table order, with no gap or overlap, and
// every case that sends one numbers it.
func TestWrongPasswordAttemptsAreNumbered(t *testing.T) {
	ev := evidence(t)
	next := 1
	for _, c := range Cases() {
		reqs := build(t, c, ev)
		n := WrongPasswords(reqs)
		for _, r := range reqs {
			if r.WrongPassword {
				var body map[string]string
				_ = json.Unmarshal(r.Call.Body, &body)
				if body["email"] != ev.Email || body["password"] != WrongPassword || !r.Call.Password {
					t.Errorf("%s: marked as a wrong-password log-in but sends %v", r.Call.Step, body)
				}
			}
		}
		switch {
		case n == 0 && c.FirstWrongPassword != 0:
			t.Errorf("%s numbers wrong-password attempts but sends none", c.Clause)
		case n > 0 && c.FirstWrongPassword != next:
			t.Errorf("%s: first wrong-password attempt is numbered %d, expected %d", c.Clause, c.FirstWrongPassword, next)
		case n > 0 && !c.Lockout:
			t.Errorf("%s sends a wrong password without the lockout-risk label", c.Clause)
		}
		next += n
	}
	if next-1 != 2 {
		t.Errorf("the table sends %d wrong-password log-ins; the default bound of 2 was set for 2", next-1)
	}
}

func TestLockoutBound(t *testing.T) {
	first := Case{Clause: "A-ONE", FirstWrongPassword: 1}
	second := Case{Clause: "A-TWO", FirstWrongPassword: 2}

	var l Lockout
	if err := l.Reserve(first, 1, 2); err != nil {
		t.Fatal(err)
	}
	if err := l.Reserve(second, 1, 2); err != nil {
		t.Fatal(err)
	}
	if l.Sent() != 2 {
		t.Fatalf("sent %d", l.Sent())
	}

	var one Lockout
	if err := one.Reserve(first, 1, 1); err != nil {
		t.Fatal(err)
	}
	err := one.Reserve(second, 1, 1)
	if err == nil || !strings.Contains(err.Error(), "safety.wrong_password_attempts (ZS_WRONG_PASSWORD_ATTEMPTS) allows 1") {
		t.Fatalf("the second attempt under a bound of 1 must be refused, naming the key: %v", err)
	}

	// The count holds even when a case runs again or numbers its attempts wrong.
	var again Lockout
	_ = again.Reserve(first, 1, 2)
	_ = again.Reserve(first, 1, 2)
	if err := again.Reserve(first, 1, 2); err == nil || again.Sent() != 2 {
		t.Fatalf("a third attempt was admitted under a bound of 2 (sent %d)", again.Sent())
	}
	var none Lockout
	if err := none.Reserve(Case{Clause: "A-THREE"}, 1, 5); err == nil {
		t.Fatal("an unnumbered wrong-password case must not be admitted")
	}
	if err := none.Reserve(Case{Clause: "A-FOUR"}, 0, 0); err != nil {
		t.Fatalf("a case without wrong passwords needs no budget: %v", err)
	}
}

func TestLabels(t *testing.T) {
	want := map[string][]string{
		"CREATE-WRONG-PASSWORD": {LabelLockoutRisk},
		"CREATE-UNKNOWN-EMAIL":  {LabelLockoutRisk},
		"CREATE-NO-ENUMERATION": {LabelLockoutRisk},
		"CREATE-MALFORMED":      {LabelFuzz},
		"ME-EXPIRED-SIGNED":     {LabelNeedsKey, LabelLiveOnly},
		"ME-TAMPERED":           nil,
	}
	for _, c := range Cases() {
		if w, ok := want[c.Clause]; ok && !reflect.DeepEqual(c.Labels(), w) {
			t.Errorf("%s: labels %v, want %v", c.Clause, c.Labels(), w)
		}
	}
	// Every case that needs the key is skipped without one: it can be built with one only.
	ev := evidence(t)
	ev.Key = nil
	for _, c := range Cases() {
		if _, err := c.Build(ev); (err != nil) != c.Keyed {
			t.Errorf("%s (keyed %t): without the key, build error %v", c.Clause, c.Keyed, err)
		}
	}
}

// With the key on a live target, the keyed cases judge ME-ALG-CHANGED and REFRESH-EXPIRED, and
// the unkeyed forgeries step aside to save their requests; a replay keeps them.
func TestKeyedCasesSupersedeUnkeyedOnes(t *testing.T) {
	ev := evidence(t)
	ev.Live = true
	for _, c := range Cases() {
		_, err := c.Build(ev)
		superseded := !c.Keyed && (c.Clause == MeAlgChanged.Clause || c.Clause == RefreshExpiredExample.Clause)
		if (err != nil) != superseded || (superseded && !strings.Contains(err.Error(), "signing key is set")) {
			t.Errorf("%s (keyed %t): live with the key, build error %v", c.Clause, c.Keyed, err)
		}
	}
	ev.Key = nil
	for _, c := range []Case{MeAlgChanged, RefreshExpiredExample} {
		build(t, c, ev)
	}
}

func TestMissingTokensAndConfigSkipWithAReason(t *testing.T) {
	ev := evidence(t)
	ev.Access, ev.Refresh = "", ""
	for _, c := range []Case{MeTampered, MeBearer, RefreshWithAccess, RefreshTampered} {
		if _, err := c.Build(ev); err == nil || !strings.Contains(err.Error(), "CREATE-SHAPE") {
			t.Errorf("%s: %v", c.Clause, err)
		}
	}
	ev = evidence(t)
	ev.Access = "eyJ!!.not.base64"
	if _, err := MeTampered.Build(ev); err == nil || !strings.Contains(err.Error(), "TOKEN-JWS") {
		t.Errorf("a token that is not a JWS cannot be forged: %v", err)
	}
	ev = evidence(t)
	ev.Malformed = 0
	if _, err := CreateMalformed.Build(ev); err == nil || !strings.Contains(err.Error(), "ZS_MALFORMED_BODIES") {
		t.Errorf("no malformed body: %v", err)
	}
	ev.Malformed = 3
	if reqs := build(t, RefreshMalformed, ev); len(reqs) != 3 || reqs[2].Call.Step != "refresh-malformed-03" {
		t.Errorf("a sample of 3 is the family's first 3: %+v", reqs)
	}
	ev.Scheme = "Bearer"
	if _, err := MeBearer.Build(ev); err == nil {
		t.Error("ME-BEARER means nothing when the configured scheme is Bearer")
	}
	if reqs := build(t, MeLowercaseScheme, ev); !strings.HasPrefix(reqs[0].Call.Header.Get("Authorization"), "bearer ") {
		t.Errorf("lower case of Bearer: %q", reqs[0].Call.Header.Get("Authorization"))
	}
}

func TestEvidenceFromTheFlow(t *testing.T) {
	access, refresh := issued(t)
	body, _ := json.Marshal(map[string]string{"access": access, "refresh": refresh})
	f := &flow.Flow{Email: "qa@example.com", Exchanges: map[string]*httpx.Exchange{
		flow.Create:          {Step: flow.Create, Response: &httpx.Response{Status: 200, Body: body}},
		flow.RefreshFallback: {Step: flow.RefreshFallback, Request: httpx.Request{Method: "POST"}},
	}}
	cfg, err := config.Load("", func(string) (string, bool) { return "", false }, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := EvidenceFrom(f, cfg, now)
	if ev.Access != access || ev.Refresh != refresh || ev.Email != "qa@example.com" {
		t.Errorf("tokens or email not taken from create: %+v", ev)
	}
	if ev.RefreshAt.Method != "POST" || cfg.Refresh.Method != "GET" {
		t.Errorf("refusals must use the method the flow refreshed with: %s", ev.RefreshAt.Method)
	}
	if ev.Malformed != 1 || ev.Live {
		t.Errorf("default sample of malformed bodies: %d; live %v", ev.Malformed, ev.Live)
	}
}

func TestAuthorizationHeaders(t *testing.T) {
	ev := evidence(t)
	for c, want := range map[*Case]string{
		&MeBearer:          "Bearer " + ev.Access,
		&MeLowercaseScheme: "jwt " + ev.Access,
		&MeExtraParts:      "JWT " + ev.Access + " extra",
		&MeGarbage:         "JWT " + Garbage,
	} {
		if got := build(t, *c, ev)[0].Call.Header.Get("Authorization"); got != want {
			t.Errorf("%s: Authorization %q, want %q", c.Clause, got, want)
		}
	}
	if n := len(build(t, CreateOversized, ev)[0].Call.Body); n < OversizedBytes {
		t.Errorf("oversized body is %d bytes", n)
	}
}

func TestForgeries(t *testing.T) {
	access, _ := issued(t)
	parts := strings.Split(access, ".")

	tampered, err := Tamper(access)
	if err != nil {
		t.Fatal(err)
	}
	tp := strings.Split(tampered, ".")
	if tp[0] != parts[0] || tp[2] != parts[2] || tp[1] == parts[1] {
		t.Errorf("tamper must change the claims only: %v", tp)
	}
	if tok, _ := tokens.Parse(tampered); tok.Claims["has_access"] != true || tok.Claims["user_id"] != json.Number("1") {
		t.Errorf("tampered claims: %v", tok.Claims)
	}
	if tokens.Verify(tampered, []byte(testKey), "HS256") == nil {
		t.Error("a tampered token must not verify")
	}

	if s, _ := StripSignature(access); s != parts[0]+"."+parts[1]+"." {
		t.Errorf("stripped: %s", s)
	}

	for _, alg := range []string{"none", "None", "NONE"} {
		s, err := AlgNone(access, alg)
		if err != nil {
			t.Fatal(err)
		}
		sp := strings.Split(s, ".")
		h := decodeSegment(t, sp[0])
		if h["alg"] != alg || h["typ"] != "JWT" || sp[1] != parts[1] || sp[2] != "" {
			t.Errorf("alg %s: header %v, segments %d", alg, h, len(sp))
		}
	}

	changed, _ := WithHeaderAlg(access, OtherHMAC("HS256"))
	cp := strings.Split(changed, ".")
	if decodeSegment(t, cp[0])["alg"] != "HS512" || cp[1] != parts[1] || cp[2] != parts[2] {
		t.Errorf("alg changed: %v", cp)
	}
	if OtherHMAC("HS512") != "HS384" {
		t.Error("another HMAC than HS512")
	}

	signed, err := Resign(access, []byte(testKey), "HS512", func(map[string]any) {})
	if err != nil || tokens.Verify(signed, []byte(testKey), "HS512") != nil {
		t.Errorf("resigned under HS512: %v", err)
	}
	if _, err := Resign(access, nil, "HS256", func(map[string]any) {}); err == nil || !strings.Contains(err.Error(), "ZS_SIGNING_KEY") {
		t.Errorf("no key: %v", err)
	}
	for _, bad := range []string{"", "a.b", "a.b.c.d", Garbage} {
		if _, err := Tamper(bad); err == nil {
			t.Errorf("tampering %q must fail, not forge", bad)
		}
	}
}

func TestMintedTokens(t *testing.T) {
	ev := evidence(t)
	claimsOf := func(c Case, i int) map[string]any {
		t.Helper()
		auth := build(t, c, ev)[i].Call.Header.Get("Authorization")
		raw := strings.TrimPrefix(auth, "JWT ")
		if err := tokens.Verify(raw, ev.Key, ev.Algorithm); err != nil {
			t.Fatalf("%s: %v", c.Clause, err)
		}
		tok, _ := tokens.Parse(raw)
		return tok.Claims
	}
	exp, _ := (&tokens.Token{Claims: claimsOf(MeExpiredSigned, 0)}).Int("exp")
	if want := now.Add(-time.Minute - ev.Skew).Unix(); exp != want {
		t.Errorf("expired token: exp %d, want %d", exp, want)
	}
	nbf, _ := (&tokens.Token{Claims: claimsOf(MeNbfFuture, 0)}).Int("nbf")
	if nbf != now.Add(time.Hour).Unix() {
		t.Errorf("nbf %d", nbf)
	}
	for i, name := range requiredClaims {
		c := claimsOf(MeMissingClaim, i)
		if _, has := c[name]; has {
			t.Errorf("token %d still has %s", i, name)
		}
		for _, other := range requiredClaims {
			if _, has := c[other]; other != name && !has {
				t.Errorf("token without %s also lacks %s", name, other)
			}
		}
	}
	var body map[string]string
	_ = json.Unmarshal(build(t, RefreshExpiredSigned, ev)[0].Call.Body, &body)
	tok, _ := tokens.Parse(body["refresh"])
	if tok.Claims["token_type"] != "refresh" || tokens.Verify(body["refresh"], ev.Key, "HS256") != nil {
		t.Errorf("expired refresh token: %v", tok.Claims)
	}
}

func decodeSegment(t *testing.T, s string) map[string]any {
	t.Helper()
	tok, err := tokens.Parse(s + "." + "e30" + ".c2ln")
	if err != nil {
		t.Fatalf("segment %q: %v", s, err)
	}
	return tok.Header
}

// The family is pinned: a recording replays only if the bodies never change. Changing the
// generator on purpose means updating this digest (and re-recording fixtures).
const familiesDigest = "337b9553f7d5ad63c3f05a4c99bdc6cbd27b0cd41cec4d401079d21ecab6c00f"

func TestMalformedFamilies(t *testing.T) {
	for _, fields := range [][]string{{"email", "password"}, {"refresh"}} {
		family := Malformed(fields...)
		if len(family) != MaxMalformed {
			t.Fatalf("%v: %d bodies", fields, len(family))
		}
		if !reflect.DeepEqual(family, Malformed(fields...)) {
			t.Fatalf("%v: the family is not deterministic", fields)
		}
		total, kinds, seen := 0, map[string]bool{}, map[string]bool{}
		for i, b := range family {
			total += len(b.Data)
			kind, _, _ := strings.Cut(b.Kind, " (")
			kinds[kind] = true
			if seen[string(b.Data)] {
				t.Errorf("%v body %d (%s) repeats an earlier body", fields, i+1, b.Kind)
			}
			seen[string(b.Data)] = true
			if usable(b.Data, fields) {
				t.Errorf("%v body %d (%s) is a usable request: %.80q", fields, i+1, b.Kind, b.Data)
			}
			if NoToken(&httpx.Exchange{Step: "x", Response: &httpx.Response{Body: b.Data}}) != "" {
				t.Errorf("%v body %d (%s) carries a token", fields, i+1, b.Kind)
			}
			if bytes.Contains(b.Data, []byte("@")) && !bytes.Contains(b.Data, []byte(BogusEmail)) && !bytes.Contains(b.Data, []byte("%40")) {
				t.Errorf("%v body %d names an address other than %s", fields, i+1, BogusEmail)
			}
		}
		if total > 2<<20 {
			t.Errorf("%v: the family is %d bytes; keep it under 2 MiB", fields, total)
		}
		var invalidUTF8, deep, huge, dup bool
		for _, b := range family {
			invalidUTF8 = invalidUTF8 || !utf8.Valid(b.Data)
			deep = deep || bytes.Count(b.Data, []byte("[")) >= 2000
			huge = huge || len(b.Data) >= 100<<10
			dup = dup || strings.Contains(b.Kind, "duplicate")
		}
		if !invalidUTF8 || !deep || !huge || !dup {
			t.Errorf("%v: the family lacks a kind: invalid UTF-8 %v, deep nesting %v, huge %v, duplicate keys %v", fields, invalidUTF8, deep, huge, dup)
		}
		// The default sample is a body of the wrong types, and any longer prefix mixes kinds.
		if !strings.HasPrefix(family[0].Kind, "fields of the wrong JSON types") ||
			family[0].Kind == family[1].Kind || family[1].Kind == family[2].Kind || utf8.Valid(family[2].Data) {
			t.Errorf("%v: the first three are not a mixed sample: %q, %q, %q", fields, family[0].Kind, family[1].Kind, family[2].Kind)
		}
	}
	sum := sha256.New()
	for _, b := range append(Malformed("email", "password"), Malformed("refresh")...) {
		sum.Write(b.Data)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); familiesDigest != got {
		t.Errorf("the malformed bodies changed (digest %s): update familiesDigest if that was meant, and re-record fixtures", got)
	}
}

// usable reports whether a create body, read by a lenient parser that keeps either the first
// or the last of duplicated keys, holds email and password as non-empty strings or numbers,
// which a server may take for a log-in. (A refresh body only has to carry no token.)
func usable(data []byte, fields []string) bool {
	if len(fields) < 2 {
		return false
	}
	for _, firstWins := range []bool{false, true} {
		obj, ok := topLevel(data, firstWins)
		if !ok {
			continue
		}
		all := true
		for _, f := range fields {
			switch v := obj[f].(type) {
			case string:
				all = all && strings.TrimSpace(v) != ""
			case json.Number:
			default:
				all = false
			}
		}
		if all {
			return true
		}
	}
	return false
}

func topLevel(data []byte, firstWins bool) (map[string]any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	obj := map[string]any{}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, false
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		k := key.(string)
		if _, seen := obj[k]; !seen || !firstWins {
			obj[k] = v
		}
	}
	return obj, true
}

func exchange(step string, status int, contentType, body string) *httpx.Exchange {
	return &httpx.Exchange{Step: step, Response: &httpx.Response{Status: status, Header: http.Header{"Content-Type": {contentType}}, Body: []byte(body)}}
}

func TestJudgements(t *testing.T) {
	access, _ := issued(t)
	noAnswer := &httpx.Exchange{Step: "x", Err: "no answer within 1s"}
	cases := []struct {
		name  string
		judge Answer
		ex    *httpx.Exchange
		want  string // "" passes; else a part of the problem
	}{
		{"401 refused", Refused, exchange("x", 401, "application/json", `{}`), ""},
		{"403 refused", Refused, exchange("x", 403, "text/html", `<p>`), ""},
		{"200 not refused", Refused, exchange("x", 200, "application/json", `{}`), "expected a refusal"},
		{"500 not refused", Refused, exchange("x", 500, "text/html", `<p>`), "500 Internal Server Error"},
		{"no answer", Refused, noAnswer, "no answer within 1s"},
		{"401 wanted", Status(401), exchange("x", 400, "application/json", `{}`), "expected 401, got 400"},
		{"4xx", ClientError, exchange("x", 415, "application/json", `{}`), ""},
		{"5xx", ClientError, exchange("x", 502, "text/html", ``), "expected a 4xx"},
		{"2xx", ClientError, exchange("x", 200, "application/json", `{}`), "expected a 4xx"},
		{"JSON", JSONBody, exchange("x", 400, "application/json", `{"detail":"x"}`), ""},
		{"HTML", JSONBody, exchange("x", 400, "text/html", `<h1>Bad Request (400)</h1>`), "not JSON"},
		{"no token", NoToken, exchange("x", 401, "application/json", `{"detail":"No account for malformed@invalid.example."}`), ""},
		{"token in an error", NoToken, exchange("x", 401, "application/json", `{"detail":"bad","debug":"`+access+`"}`), "with a token"},
		{"token in HTML", NoToken, exchange("x", 500, "text/html", `<pre>token=`+access+`</pre>`), "with a token"},
		{"field errors", FieldErrors("email", "password"), exchange("x", 400, "application/json", `{"email":["blank"],"password":["required"]}`), ""},
		{"nested field errors", FieldErrors("password"), exchange("x", 400, "application/json", `{"errors":[{"source":{"pointer":"/password"}}]}`), ""},
		{"a field unnamed", FieldErrors("email", "password"), exchange("x", 400, "application/json", `{"password":["required"]}`), "no error for email"},
		{"field errors not 400", FieldErrors("refresh"), exchange("x", 422, "application/json", `{"refresh":["required"]}`), "expected 400"},
		{"field errors not JSON", FieldErrors("refresh"), exchange("x", 400, "text/html", `refresh`), "not JSON"},
	}
	for _, c := range cases {
		got := c.judge(c.ex)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestEachAndSameAnswer(t *testing.T) {
	ok := exchange("a", 401, "application/json", `{}`)
	bad := exchange("b", 200, "application/json", `{}`)
	r := Each(Refused)([]*httpx.Exchange{ok, bad})
	if r.Outcome != checks.Fail || !reflect.DeepEqual(r.Steps, []string{"b"}) || !strings.Contains(r.Message, "1 of 2 answers") {
		t.Errorf("each: %+v", r)
	}
	if r := Each(Refused)([]*httpx.Exchange{ok}); r.Outcome != checks.Pass {
		t.Errorf("each: %+v", r)
	}

	wrong := exchange("w", 401, "application/json", `{"detail":"No active account found with the given credentials"}`)
	same := exchange("u", 401, "application/json", "{ \"detail\" : \"No active account found with the given credentials\" }")
	other := exchange("u", 401, "application/json", `{"detail":"No account found with this email"}`)
	for name, c := range map[string]struct {
		b    *httpx.Exchange
		pass bool
	}{
		"same JSON, other spacing": {same, true},
		"another message":          {other, false},
		"another status":           {exchange("u", 400, "application/json", `{"detail":"No active account found with the given credentials"}`), false},
		"no answer":                {&httpx.Exchange{Step: "u", Err: "refused"}, false},
	} {
		if r := SameAnswer([]*httpx.Exchange{wrong, c.b}); (r.Outcome == checks.Pass) != c.pass {
			t.Errorf("%s: %+v", name, r)
		}
	}
}

// "Another algorithm" is another than the token was issued with, whatever the configuration
// says: a server that issues HS512 is TOKEN-HEADER's finding, not ME-ALG-CHANGED's.
func TestAlgChangedIsRelativeToTheIssuedToken(t *testing.T) {
	ev := evidence(t)
	hs512, err := Resign(ev.Access, ev.Key, "HS512", func(map[string]any) {})
	if err != nil {
		t.Fatal(err)
	}
	ev.Access = hs512
	for _, c := range []Case{MeAlgChanged, MeAlgChangedSigned} {
		raw := strings.TrimPrefix(build(t, c, ev)[0].Call.Header.Get("Authorization"), "JWT ")
		tok, err := tokens.Parse(raw)
		if err != nil || tok.Header["alg"] != "HS384" {
			t.Errorf("%s (keyed %t): header %v (%v), want alg HS384", c.Clause, c.Keyed, tok, err)
		}
	}
}
