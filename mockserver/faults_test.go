package mockserver

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/coverage"
)

func knownClauses(t *testing.T) map[string]bool {
	t.Helper()
	cat, err := clauses.Default()
	if err != nil {
		t.Fatalf("the clause catalogue: %v", err)
	}
	known := map[string]bool{}
	for _, id := range cat.IDs() {
		known[id] = true
	}
	return known
}

// proposedClauses are the clauses the coverage matrix proposes and the catalogue lacks yet.
func proposedClauses(t *testing.T) map[string]bool {
	t.Helper()
	m, err := coverage.Default()
	if err != nil {
		t.Fatalf("the coverage matrix: %v", err)
	}
	proposed := map[string]bool{}
	for _, id := range m.ProposedIDs() {
		proposed[id] = true
	}
	return proposed
}

// allFaults is the whole catalogue: the faults the kill matrix runs, then the pending ones.
func allFaults() []Fault { return append(Faults(), PendingFaults()...) }

func TestCatalogueIsWellFormed(t *testing.T) {
	if len(Faults()) < 30 {
		t.Errorf("%d faults, want at least 30", len(Faults()))
	}
	known, proposed := knownClauses(t), proposedClauses(t)
	names := map[string]bool{}
	faults := allFaults()
	sorted := func(fs []Fault) {
		for i := 1; i < len(fs); i++ {
			if fs[i-1].Name >= fs[i].Name {
				t.Errorf("not sorted at %s", fs[i].Name)
			}
		}
	}
	sorted(Faults())
	sorted(PendingFaults())
	kebab := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, f := range faults {
		if names[f.Name] {
			t.Errorf("%s: name used twice", f.Name)
		}
		names[f.Name] = true
		if !kebab.MatchString(f.Name) {
			t.Errorf("%q: not a kebab-case name", f.Name)
		}
		if strings.TrimSpace(f.Description) == "" || strings.Contains(f.Description, "\n") {
			t.Errorf("%s: description must be one non-empty line", f.Name)
		}
		if len(f.Breaks) == 0 && len(f.Pending) == 0 {
			t.Errorf("%s: breaks no clause, and no proposed one", f.Name)
		}
		seen := map[string]bool{}
		for _, id := range f.Breaks {
			if !known[id] {
				t.Errorf("%s: breaks unknown clause %s", f.Name, id)
			}
			if seen[id] {
				t.Errorf("%s: lists %s twice", f.Name, id)
			}
			seen[id] = true
		}
		for _, id := range f.Pending {
			switch {
			case known[id]:
				// The proposal became a clause: the kill matrix must now hold the fault to it.
				t.Errorf("%s: %s is in the clause catalogue now: move it from Pending to Breaks", f.Name, id)
			case !proposed[id]:
				t.Errorf("%s: Pending names %s, which the coverage matrix does not propose", f.Name, id)
			}
			if seen[id] {
				t.Errorf("%s: lists %s twice", f.Name, id)
			}
			seen[id] = true
		}
		if got, ok := LookupFault(f.Name); !ok || got.Description != f.Description {
			t.Errorf("%s: LookupFault disagrees", f.Name)
		}
	}
	judged := Faults()
	judged[0].Breaks[0] = "CHANGED"
	if Faults()[0].Breaks[0] == "CHANGED" {
		t.Error("Faults shares its slices with the catalogue")
	}
	if pending := PendingFaults(); len(pending) > 0 {
		pending[0].Pending[0] = "CHANGED"
		if PendingFaults()[0].Pending[0] == "CHANGED" {
			t.Error("PendingFaults shares its slices with the catalogue")
		}
	}
}

// TestPendingFaultsCoverEveryProposal: every clause the coverage matrix proposes has a fault
// that will break it, so the kill matrix can vouch for it the day it becomes a clause.
func TestPendingFaultsCoverEveryProposal(t *testing.T) {
	broken := map[string]bool{}
	for _, f := range allFaults() {
		for _, id := range f.Pending {
			broken[id] = true
		}
	}
	var missing []string
	for id := range proposedClauses(t) {
		if !broken[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no fault's Pending names %v: add one to faults.go that breaks each", missing)
	}
	// A fault that breaks a proposal alone is a pending fault; one that breaks a clause too
	// stays in Faults(), so the kill matrix keeps running it.
	for _, f := range PendingFaults() {
		if len(f.Breaks) != 0 {
			t.Errorf("%s: pending, yet breaks %v", f.Name, f.Breaks)
		}
	}
}

// TestEveryMatrixCellIsKilled: every clause that judges a cell of the coverage matrix is broken
// by at least one fault the kill matrix runs (with and without the key), so no cell is judged
// by a check that cannot fail.
func TestEveryMatrixCellIsKilled(t *testing.T) {
	m, err := coverage.Default()
	if err != nil {
		t.Fatalf("the coverage matrix: %v", err)
	}
	killers := map[string][]string{}
	for _, f := range Faults() {
		for _, id := range f.Breaks {
			killers[id] = append(killers[id], f.Name)
		}
	}
	cells := 0
	check := func(where string, cell coverage.Cell) {
		if cell.NotApplicable() {
			return
		}
		cells++
		for _, id := range cell.Clauses {
			if len(killers[id]) == 0 {
				t.Errorf("%s: %s is broken by no fault of Faults(): add one to faults.go", where, id)
			}
		}
	}
	for _, r := range m.Answers {
		for family, cell := range r.Cells {
			check(fmt.Sprintf("%s × %s × %s", r.Endpoint, r.Kind, family), cell)
		}
	}
	for _, r := range m.Fields {
		for mistake, cell := range r.Cells {
			check(fmt.Sprintf("%s (%s) × %s", r.Field, r.Endpoint, mistake), cell)
		}
	}
	if cells < 100 {
		t.Errorf("only %d judged cells: the matrix did not load whole", cells)
	}
}

// TestCatalogueCoversEveryClause checks that every clause of the catalogue is broken by at least
// one fault: a clause no fault breaks is a check the kill matrix cannot vouch for.
func TestCatalogueCoversEveryClause(t *testing.T) {
	broken := map[string]bool{}
	for _, f := range Faults() {
		for _, id := range f.Breaks {
			broken[id] = true
		}
	}
	var missing []string
	for id := range knownClauses(t) {
		if !broken[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no fault breaks %v: add one to faults.go that breaks each", missing)
	}
}

// probe observes one behaviour of a server, as a string that a fault must change.
type probe func(h *harness) string

func answer(h *harness, method, path, contentType, body string, headers ...string) string {
	w := h.do(method, path, contentType, body, headers...)
	return fmt.Sprintf("%d %s %s", w.Code, w.Header().Get("Content-Type"), w.Body)
}

func meAnswer(h *harness, authorization string) string {
	w := h.me(authorization)
	return fmt.Sprintf("%d %q %s", w.Code, w.Header().Get("WWW-Authenticate"), w.Body)
}

func accessClaim(name string) probe {
	return func(h *harness) string {
		_, access := h.login()
		return rawJSON(claims(h.t, access)[name])
	}
}

// allTokens observes a claim on the create pair and on a refreshed access token.
func allTokens(name string) probe {
	return func(h *harness) string {
		refresh, access := h.login()
		next := h.refreshed(refresh)
		var out []string
		for _, tok := range []string{refresh, access, next} {
			out = append(out, rawJSON(claims(h.t, tok)[name]))
		}
		return strings.Join(out, " ")
	}
}

func lifetimes(h *harness) string {
	refresh, access := h.login()
	now := float64(start.Unix())
	r, a := expSeconds(h.t, claims(h.t, refresh)), expSeconds(h.t, claims(h.t, access))
	return fmt.Sprintf("access %v refresh %v pair %v", a-now, r-now, r-a)
}

func refreshedLifetime(h *harness) string {
	refresh, _ := h.login()
	h.clock.Advance(time.Minute)
	next := h.refreshed(refresh)
	return fmt.Sprint(expSeconds(h.t, claims(h.t, next)) - float64(h.clock.Now().Unix()))
}

func withAccess(edit func(h *harness, access string) string) probe {
	return func(h *harness) string {
		_, access := h.login()
		return meAnswer(h, "JWT "+edit(h, access))
	}
}

func forged(edit func(jwt.MapClaims)) probe {
	return withAccess(func(h *harness, access string) string {
		return forge(h.t, access, jwt.SigningMethodHS256, testKey, edit)
	})
}

func refreshWith(body string) probe {
	return func(h *harness) string { return answer(h, "POST", refreshPath, jsonType, body) }
}

func createWith(contentType, body string) probe {
	return func(h *harness) string { return answer(h, "POST", createPath, contentType, body) }
}

var probes = map[string]probe{
	faultCreateStatus201:       createWith(jsonType, rightBody),
	faultCreateContentTypeHTML: func(h *harness) string { return h.create(rightBody).Header().Get("Content-Type") },
	faultCreateAccessRenamed:   func(h *harness) string { return keys(decodeObject(h.t, h.create(rightBody).Body.Bytes())) },
	faultCreateRefreshMissing:  func(h *harness) string { return keys(decodeObject(h.t, h.create(rightBody).Body.Bytes())) },
	faultCreateExtraUser:       func(h *harness) string { return keys(decodeObject(h.t, h.create(rightBody).Body.Bytes())) },

	faultHeaderAlgHS512:   func(h *harness) string { _, a := h.login(); return rawJSON(header(h.t, a)) },
	faultHeaderTypMissing: func(h *harness) string { _, a := h.login(); return rawJSON(header(h.t, a)) },
	faultTokenPadded: func(h *harness) string {
		_, a := h.login()
		return fmt.Sprint(strings.Contains(a, "="))
	},

	faultClaimTokenTypeBearer:         allTokens("token_type"),
	faultClaimTokenTypeMissingRefresh: allTokens("token_type"),
	faultClaimExpString: func(h *harness) string {
		_, a := h.login()
		return fmt.Sprintf("%T", claims(h.t, a)["exp"])
	},
	faultClaimExpFloat: accessClaim("exp"),
	faultClaimJTIUppercase: func(h *harness) string {
		_, a := h.login()
		return fmt.Sprint(jtiPattern.MatchString(claims(h.t, a)["jti"].(string)))
	},
	faultClaimJTIDashed: func(h *harness) string {
		_, a := h.login()
		return fmt.Sprint(jtiPattern.MatchString(claims(h.t, a)["jti"].(string)))
	},
	faultClaimUserIDString:    allTokens("user_id"),
	faultClaimEmailUsername:   allTokens("email"),
	faultClaimEmailMissing:    allTokens("email"),
	faultClaimPhoneNumber:     allTokens("phone"),
	faultClaimUsernameMissing: allTokens("username"),
	faultClaimAccessUntilBool: allTokens("access_until"),
	faultClaimHasAccessString: allTokens("has_access"),
	faultClaimExtraIss:        allTokens("iss"),

	faultLifetimeAccess3h:      lifetimes,
	faultLifetimeAccessPlus60s: lifetimes,
	faultLifetimeRefresh89d:    lifetimes,
	faultLifetimeRefreshPlus1h: lifetimes,
	faultPairRefreshEarly30m:   lifetimes,
	faultPairClockReadTwice:    lifetimes,
	faultJTISharedInPair: func(h *harness) string {
		r, a := h.login()
		return fmt.Sprint(claims(h.t, r)["jti"] == claims(h.t, a)["jti"])
	},

	faultMeStatus202:       withAccess(func(_ *harness, a string) string { return a }),
	faultMeIDString:        withAccess(func(_ *harness, a string) string { return a }),
	faultMeExtraField:      withAccess(func(_ *harness, a string) string { return a }),
	faultMeWrongID:         withAccess(func(_ *harness, a string) string { return a }),
	faultMeWrongEmail:      withAccess(func(_ *harness, a string) string { return a }),
	faultMeAnonymous200:    func(h *harness) string { return meAnswer(h, "") },
	faultNoWWWAuthenticate: func(h *harness) string { return meAnswer(h, "") },

	faultSchemeBearerOnly:      withAccess(func(_ *harness, a string) string { return a }),
	faultSchemeBearerToo:       func(h *harness) string { _, a := h.login(); return meAnswer(h, "Bearer "+a) },
	faultSchemeCaseInsensitive: func(h *harness) string { _, a := h.login(); return meAnswer(h, "jwt "+a) },
	faultMeSchemeOnly500:       func(h *harness) string { return meAnswer(h, "JWT") },
	faultMeExtraPartsIgnored:   func(h *harness) string { _, a := h.login(); return meAnswer(h, "JWT "+a+" more") },
	faultMeGarbage500:          func(h *harness) string { return meAnswer(h, "JWT garbage") },

	faultMeAcceptsExpired: func(h *harness) string {
		_, a := h.login()
		h.clock.Advance(3 * time.Hour)
		return meAnswer(h, "JWT "+pageAccess) + " " + meAnswer(h, "JWT "+a)
	},
	faultSignatureNotChecked: withAccess(func(h *harness, a string) string {
		return tamper(h.t, a, func(c map[string]any) { c["has_access"] = true })
	}),
	faultAlgNoneAccepted: func(h *harness) string {
		_, a := h.login()
		signed := algNone(h.t, a) + a[strings.LastIndexByte(a, '.')+1:]
		return meAnswer(h, "JWT "+algNone(h.t, a)) + " " + meAnswer(h, "JWT "+signed)
	},
	faultAlgAnyHMAC: withAccess(func(h *harness, a string) string {
		return forge(h.t, a, jwt.SigningMethodHS512, testKey, nil)
	}),
	faultMeAcceptsRefresh:        func(h *harness) string { r, _ := h.login(); return meAnswer(h, "JWT "+r) },
	faultNbfIgnored:              forged(func(c jwt.MapClaims) { c["nbf"] = start.Add(time.Hour).Unix() }),
	faultRequiredClaimsUnchecked: forged(func(c jwt.MapClaims) { delete(c, "jti") }),
	faultForeignKey: func(h *harness) string {
		_, a := h.login()
		_, err := jwt.Parse(a, func(*jwt.Token) (any, error) { return testKey, nil }, jwt.WithTimeFunc(h.clock.Now))
		return fmt.Sprint(err == nil)
	},

	faultWrongPassword200:         createWith(jsonType, `{"email":"admin@zonesmart.ru","password":"wrong"}`),
	faultWrongPassword500:         createWith(jsonType, `{"email":"admin@zonesmart.ru","password":"wrong"}`),
	faultBadCredentials400:        createWith(jsonType, `{"email":"nobody@zonesmart.ru","password":"wrong"}`),
	faultUnknownEmailDistinct:     createWith(jsonType, `{"email":"nobody@zonesmart.ru","password":"wrong"}`),
	faultCreateMissingField500:    createWith(jsonType, `{"email":"admin@zonesmart.ru"}`),
	faultCreateNotJSON500:         createWith(jsonType, `{"email":`),
	faultCreateMalformed500:       createWith(jsonType, `["admin@zonesmart.ru","4815162342"]`),
	faultCreateContentTypeIgnored: createWith("text/plain", rightBody),
	faultCreateOversized500:       createWith(jsonType, strings.Repeat(" ", MaxBodyBytes+1)),

	faultRefreshGet405: func(h *harness) string {
		r, _ := h.login()
		w := h.refresh("GET", r)
		return fmt.Sprint(w.Code, w.Header().Get("Allow"))
	},
	faultRefreshSingleUse: func(h *harness) string {
		r, _ := h.login()
		h.refreshed(r)
		return fmt.Sprint(h.refresh("POST", r).Code)
	},
	faultRefreshIdentityDrift: func(h *harness) string { r, _ := h.login(); return rawJSON(claims(h.t, h.refreshed(r))["has_access"]) },
	faultRefreshLifetime3h:    refreshedLifetime,
	faultRefreshAccessUnregistered: func(h *harness) string {
		r, _ := h.login()
		return meAnswer(h, "JWT "+h.refreshed(r))
	},
	faultRefreshStatus201: func(h *harness) string { r, _ := h.login(); return fmt.Sprint(h.refresh("POST", r).Code) },
	faultRefreshAccessRenamed: func(h *harness) string {
		r, _ := h.login()
		return keys(decodeObject(h.t, h.refresh("POST", r).Body.Bytes()))
	},
	faultRefreshRotates: func(h *harness) string {
		r, _ := h.login()
		return keys(decodeObject(h.t, h.refresh("POST", r).Body.Bytes()))
	},
	faultRefreshCopiesJTI: func(h *harness) string {
		r, _ := h.login()
		return fmt.Sprint(claims(h.t, h.refreshed(r))["jti"] == claims(h.t, r)["jti"])
	},
	faultRefreshReusesAccessJTI: func(h *harness) string {
		r, a := h.login()
		return fmt.Sprint(claims(h.t, h.refreshed(r))["jti"] == claims(h.t, a)["jti"])
	},
	faultRefreshAcceptsAccess:   func(h *harness) string { _, a := h.login(); return fmt.Sprint(h.refresh("POST", a).Code) },
	faultRefreshAcceptsExpired:  refreshWith(`{"refresh":"` + pageRefresh + `"}`),
	faultRefreshGarbage500:      refreshWith(`{"refresh":"garbage"}`),
	faultRefreshMissingField500: refreshWith(`{}`),
	faultRefreshMalformed500:    refreshWith(`{"refresh":`),

	faultMeContentTypeHTML: func(h *harness) string {
		_, a := h.login()
		return h.me("JWT " + a).Header().Get("Content-Type")
	},
	faultRefreshContentTypeHTML: func(h *harness) string {
		r, _ := h.login()
		return h.refresh("POST", r).Header().Get("Content-Type")
	},
	faultCreateRefusalContentTypeHTML:  createWith(jsonType, `{"email":""}`),
	faultMeRefusalContentTypeHTML:      func(h *harness) string { return h.me("").Header().Get("Content-Type") },
	faultRefreshRefusalContentTypeHTML: refreshWith(`{}`),
	faultCreateErrorsListed:            createWith(jsonType, `{"email":""}`),
	faultMeErrorsRenamed:               func(h *harness) string { return meAnswer(h, "") },
	faultRefreshErrorsListed:           refreshWith(`{}`),
	faultMeWrongType403:                func(h *harness) string { r, _ := h.login(); return meAnswer(h, "JWT "+r) },
	faultCreateNullField500:            createWith(jsonType, `{"email":null,"password":null}`),
	faultCreateWrongTypeCoerced:        createWith(jsonType, `{"email":true,"password":true}`),
	faultCreateLongField500:            createWith(jsonType, `{"email":"`+strings.Repeat("a", 10<<10)+`@invalid.example"}`),
	faultRefreshBlankAsToken:           refreshWith(`{"refresh":""}`),
	faultRefreshNullField500:           refreshWith(`{"refresh":null}`),
	faultRefreshWrongTypeCoerced:       refreshWith(`{"refresh":true}`),
	faultRefreshLongField500:           refreshWith(`{"refresh":"` + strings.Repeat("a", 10<<10) + `"}`),
	faultRefreshNotJSON500:             refreshWith(`this is not JSON`),
	faultRefreshContentTypeIgnored: func(h *harness) string {
		r, _ := h.login()
		w := h.do("POST", refreshPath, "text/plain", `{"refresh":"`+r+`"}`)
		return fmt.Sprint(w.Code, " ", w.Header().Get("Content-Type"))
	},
	faultRefreshOversized500: refreshWith(strings.Repeat(" ", MaxBodyBytes+1)),
	faultMeEmptyHeader500: func(h *harness) string {
		w := h.do("GET", mePath, "", "", "Authorization", "")
		return fmt.Sprint(w.Code, " ", w.Body)
	},
	faultMeLongHeader500: func(h *harness) string { return meAnswer(h, "JWT "+strings.Repeat("a", 6<<10)) },
}

// TestEveryFaultChangesWhatItSays runs each fault's probe against a clean server and against the
// server with the fault: the observation must differ.
func TestEveryFaultChangesWhatItSays(t *testing.T) {
	for _, f := range allFaults() {
		t.Run(f.Name, func(t *testing.T) {
			p, ok := probes[f.Name]
			if !ok {
				t.Fatal("no probe for this fault")
			}
			clean, faulty := p(withFaults(t)), p(withFaults(t, f.Name))
			if clean == faulty {
				t.Errorf("the fault changes nothing the probe sees: %s", clean)
			}
			t.Logf("clean:  %.200s\nfaulty: %.200s", clean, faulty)
		})
	}
	for name := range probes {
		if _, ok := LookupFault(name); !ok {
			t.Errorf("probe for unknown fault %s", name)
		}
	}
}

// happyPath is the page's whole flow: log in, read /users/me/, refresh (by POST), read
// /users/me/ with the new token, refresh again. Each /users/me/ answer must be 200 and name the
// token's user_id and the log-in email. It returns what went wrong, or "". A token the answer
// does not carry ends the flow without a problem, as the suite skips what needs it.
func happyPath(h *harness) string {
	w := h.create(rightBody)
	if w.Code/100 != 2 {
		return fmt.Sprintf("create %d", w.Code)
	}
	refresh, access := h.login()
	// Ids are compared by their text, as the suite's identity checks do: whether an id is a
	// number or a string is for the shape and claim clauses to judge.
	identity := func(what, token string) string {
		w := h.me("JWT " + token)
		if w.Code != 200 {
			return fmt.Sprintf("%s: me %d", what, w.Code)
		}
		me := decodeObject(h.t, w.Body.Bytes())
		if fmt.Sprint(me["id"]) != fmt.Sprint(claims(h.t, token)["user_id"]) || me["email"] != "admin@zonesmart.ru" {
			return fmt.Sprintf("%s: me names %s, the token %s", what, rawJSON(me), rawJSON(claims(h.t, token)["user_id"]))
		}
		return ""
	}
	if access != "" {
		if problem := identity("create's access", access); problem != "" {
			return problem
		}
	}
	if refresh == "" {
		return ""
	}
	for i := 1; i <= 2; i++ {
		w := h.refresh("POST", refresh)
		if w.Code != 200 {
			return fmt.Sprintf("refresh %d: %d", i, w.Code)
		}
		next, _ := decodeObject(h.t, w.Body.Bytes())["access"].(string)
		if next == "" {
			return fmt.Sprintf("refresh %d: no access token", i)
		}
		if problem := identity(fmt.Sprintf("refreshed access %d", i), next); problem != "" {
			return problem
		}
	}
	return ""
}

// TestFaultsAreNarrow checks that a fault leaves the page's flow working unless its Breaks say
// the flow itself fails: a fault must be one deviation, not a broken server.
func TestFaultsAreNarrow(t *testing.T) {
	flowClauses := map[string]bool{"ME-STATUS": true, "ME-IDENTITY": true, "REFRESH-STATUS": true, "REFRESH-ACCESS-WORKS": true, "REFRESH-REUSABLE": true}
	if got := happyPath(withFaults(t)); got != "" {
		t.Fatalf("clean server: %s", got)
	}
	for _, f := range allFaults() {
		breaksFlow := false
		for _, id := range f.Breaks {
			breaksFlow = breaksFlow || flowClauses[id]
		}
		got := happyPath(withFaults(t, f.Name))
		if breaksFlow != (got != "") {
			t.Errorf("%s: flow problem %q, but Breaks %v", f.Name, got, f.Breaks)
		}
	}
}

// TestKeyedFaultsHideFromUnkeyedChecks: a fault that needs the key leaves every answer to
// requests made from the server's own tokens and the page's tokens as the clean server gives
// them (bar random jtis and the signatures).
func TestKeyedFaultsHideFromUnkeyedChecks(t *testing.T) {
	observe := func(h *harness) string {
		refresh, access := h.login()
		var out []string
		out = append(out, rawJSON(header(h.t, access)))
		for _, tok := range []string{refresh, access} {
			c := claims(h.t, tok)
			delete(c, "jti")
			out = append(out, rawJSON(c))
		}
		parts := strings.Split(access, ".")
		for _, auth := range []string{"", "JWT " + access, "JWT " + refresh, "JWT " + pageAccess, "JWT garbage",
			"JWT " + parts[0] + "." + parts[1] + ".", "JWT " + algNone(h.t, access),
			"JWT " + tamper(h.t, access, func(c map[string]any) { c["has_access"] = true })} {
			out = append(out, meAnswer(h, auth))
		}
		out = append(out, answer(h, "POST", refreshPath, jsonType, `{"refresh":"`+access+`"}`))
		out = append(out, answer(h, "POST", refreshPath, jsonType, `{"refresh":"`+pageRefresh+`"}`))
		return strings.Join(out, "\n")
	}
	clean := observe(withFaults(t))
	for _, f := range Faults() {
		if !f.NeedsKey {
			continue
		}
		if got := observe(withFaults(t, f.Name)); got != clean {
			t.Errorf("%s needs the key, yet unkeyed requests see it:\n%s\nvs clean\n%s", f.Name, got, clean)
		}
	}
}
