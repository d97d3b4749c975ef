package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var jtiPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestCreateIssuesThePagesPair(t *testing.T) {
	for _, path := range []string{createPath, "/auth/jwt/create/", "/v1/zonesmart/auth/jwt/create"} {
		t.Run(path, func(t *testing.T) {
			h := newHarness(t, Options{})
			w := h.do("POST", path, jsonType, rightBody)
			if w.Code != 200 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			body := decodeObject(t, w.Body.Bytes())
			if keys(body) != "access,refresh" {
				t.Fatalf("fields %s", keys(body))
			}
			refresh, access := body["refresh"].(string), body["access"].(string)
			now := start.Unix()
			for _, tc := range []struct {
				token, tokenType string
				exp              int64
			}{
				{refresh, "refresh", now + 90*86400},
				{access, "access", now + 7200},
			} {
				if got := rawJSON(header(t, tc.token)); got != `{"alg":"HS256","typ":"JWT"}` {
					t.Errorf("%s header %s", tc.tokenType, got)
				}
				c := claims(t, tc.token)
				if keys(c) != "access_until,email,exp,has_access,jti,phone,token_type,user_id,username" {
					t.Errorf("%s claims %s", tc.tokenType, keys(c))
				}
				want := fmt.Sprintf(`{"access_until":null,"email":"admin@zonesmart.ru","exp":%d,"has_access":false,"phone":null,"token_type":%q,"user_id":1,"username":"admin"}`, tc.exp, tc.tokenType)
				delete(c, "jti")
				if got := rawJSON(c); got != want {
					t.Errorf("%s claims\n got %s\nwant %s", tc.tokenType, got, want)
				}
				if _, err := jwt.Parse(tc.token, func(*jwt.Token) (any, error) { return testKey, nil }, jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(h.clock.Now)); err != nil {
					t.Errorf("%s does not verify with the key: %v", tc.tokenType, err)
				}
			}
			rj, aj := claims(t, refresh)["jti"].(string), claims(t, access)["jti"].(string)
			if !jtiPattern.MatchString(rj) || !jtiPattern.MatchString(aj) || rj == aj {
				t.Errorf("jtis %q %q", rj, aj)
			}
		})
	}
}

func TestCreateRefusals(t *testing.T) {
	big := `{"email":"admin@zonesmart.ru","password":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	for _, tc := range []struct {
		name, method, contentType, body string
		status                          int
		want                            string // a fragment of the answer
	}{
		{"wrong password", "POST", jsonType, `{"email":"admin@zonesmart.ru","password":"nope"}`, 401, `{"detail":"No active account found with the given credentials"}`},
		{"unknown email", "POST", jsonType, `{"email":"nobody@zonesmart.ru","password":"4815162342"}`, 401, `{"detail":"No active account found with the given credentials"}`},
		{"missing password", "POST", jsonType, `{"email":"admin@zonesmart.ru"}`, 400, `{"password":["This field is required."]}`},
		{"empty object", "POST", jsonType, `{}`, 400, `{"email":["This field is required."],"password":["This field is required."]}`},
		{"blank password", "POST", jsonType, `{"email":"admin@zonesmart.ru","password":"  "}`, 400, `{"password":["This field may not be blank."]}`},
		{"null password", "POST", jsonType, `{"email":"admin@zonesmart.ru","password":null}`, 400, `{"password":["This field may not be null."]}`},
		{"object password", "POST", jsonType, `{"email":"admin@zonesmart.ru","password":{}}`, 400, `{"password":["Not a valid string."]}`},
		{"a list", "POST", jsonType, `[]`, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`},
		{"not JSON", "POST", jsonType, `{"email":`, 400, `{"detail":"JSON parse error - `},
		{"trailing data", "POST", jsonType, rightBody + `x`, 400, `JSON parse error`},
		{"invalid UTF-8", "POST", jsonType, "{\"email\":\"\xff\"}", 400, `JSON parse error`},
		{"text/plain", "POST", "text/plain", rightBody, 415, `{"detail":"Unsupported media type \"text/plain\" in request."}`},
		{"no content type", "POST", "", rightBody, 400, `This field is required.`},
		{"empty body", "POST", jsonType, ``, 400, `This field is required.`},
		{"oversized", "POST", jsonType, big, 413, `larger than 65536 bytes`},
		{"GET", "GET", "", "", 405, `{"detail":"Method \"GET\" not allowed."}`},
		{"PUT", "PUT", jsonType, rightBody, 405, `not allowed`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			w := h.do(tc.method, createPath, tc.contentType, tc.body)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
				t.Fatalf("got %d %s, want %d with %s", w.Code, w.Body, tc.status, tc.want)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if got := w.Header().Get("WWW-Authenticate"); (tc.status == 401) != (got == challenge) {
				t.Errorf("WWW-Authenticate %q on %d", got, tc.status)
			}
			if tc.status == 405 && w.Header().Get("Allow") != "POST, OPTIONS" {
				t.Errorf("Allow %q", w.Header().Get("Allow"))
			}
		})
	}
}

func TestCreateTakesFormsLikeDRF(t *testing.T) {
	h := newHarness(t, Options{})
	w := h.do("POST", createPath, "application/x-www-form-urlencoded", "email=admin%40zonesmart.ru&password=4815162342")
	if w.Code != 200 {
		t.Fatalf("form: %d %s", w.Code, w.Body)
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("email", "admin@zonesmart.ru")
	_ = mw.WriteField("password", "4815162342")
	_ = mw.Close()
	w = h.do("POST", createPath, mw.FormDataContentType(), b.String())
	if w.Code != 200 {
		t.Fatalf("multipart: %d %s", w.Code, w.Body)
	}
	w = h.do("POST", createPath, "multipart/form-data", "garbage")
	if w.Code != 400 {
		t.Fatalf("multipart without boundary: %d %s", w.Code, w.Body)
	}
}

func TestMeAnswersTheTokensUser(t *testing.T) {
	h := newHarness(t, Options{})
	_, access := h.login()
	for _, path := range []string{mePath, "/v1/zonesmart/users/me/", "/users/me"} {
		w := h.do("GET", path, "", "", "Authorization", "JWT "+access)
		if w.Code != 200 || w.Body.String() != `{"id":1,"email":"admin@zonesmart.ru"}` {
			t.Errorf("%s: %d %s", path, w.Code, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
	}
	if w := h.do("DELETE", mePath, "", "", "Authorization", "JWT "+access); w.Code != 405 || w.Header().Get("Allow") != "GET, OPTIONS" {
		t.Errorf("DELETE: %d Allow %q", w.Code, w.Header().Get("Allow"))
	}
}

func TestMeRefusals(t *testing.T) {
	h := newHarness(t, Options{})
	refresh, access := h.login()
	hs512 := forge(t, access, jwt.SigningMethodHS512, testKey, nil)
	otherKey := forge(t, access, jwt.SigningMethodHS256, []byte("another key"), nil)
	nbf := forge(t, access, jwt.SigningMethodHS256, testKey, func(c jwt.MapClaims) { c["nbf"] = start.Add(time.Hour).Unix() })
	expired := forge(t, access, jwt.SigningMethodHS256, testKey, func(c jwt.MapClaims) { c["exp"] = start.Add(-time.Second).Unix() })
	without := func(claim string) string {
		return forge(t, access, jwt.SigningMethodHS256, testKey, func(c jwt.MapClaims) { delete(c, claim) })
	}
	parts := strings.Split(access, ".")
	const notProvided = `{"detail":"Authentication credentials were not provided."}`
	for _, tc := range []struct {
		name, authorization, want string
	}{
		{"no header", "", notProvided},
		{"Bearer", "Bearer " + access, notProvided},
		{"lowercase jwt", "jwt " + access, notProvided},
		{"garbage header", "garbage", notProvided},
		{"scheme only", "JWT", `"code":"bad_authorization_header"`},
		{"extra parts", "JWT " + access + " more", `"code":"bad_authorization_header"`},
		{"garbage token", "JWT garbage", `"code":"token_not_valid"`},
		{"tampered", "JWT " + tamper(t, access, func(c map[string]any) { c["has_access"] = true }), `"code":"token_not_valid"`},
		{"signature stripped", "JWT " + parts[0] + "." + parts[1] + ".", `"code":"token_not_valid"`},
		{"two segments", "JWT " + parts[0] + "." + parts[1], `"code":"token_not_valid"`},
		{"alg none", "JWT " + algNone(t, access), `"code":"token_not_valid"`},
		{"alg none, signature kept", "JWT " + algNone(t, access) + parts[2], `"code":"token_not_valid"`},
		{"HS512 with the key", "JWT " + hs512, `"code":"token_not_valid"`},
		{"another key", "JWT " + otherKey, `"code":"token_not_valid"`},
		{"refresh token", "JWT " + refresh, `"message":"Token has wrong type"`},
		{"expired", "JWT " + expired, `"code":"token_not_valid"`},
		{"nbf in the future", "JWT " + nbf, `"code":"token_not_valid"`},
		{"no exp", "JWT " + without("exp"), `"code":"token_not_valid"`},
		{"no jti", "JWT " + without("jti"), `"message":"Token has no id"`},
		{"no token_type", "JWT " + without("token_type"), `"message":"Token has no type"`},
		{"no user_id", "JWT " + without("user_id"), `Token contained no recognizable user identification`},
		{"unknown user", "JWT " + forge(t, access, jwt.SigningMethodHS256, testKey, func(c jwt.MapClaims) { c["user_id"] = 7 }), `"code":"user_not_found"`},
		{"the page's expired token", "JWT " + pageAccess, `"code":"token_not_valid"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := h.me(tc.authorization)
			if w.Code != 401 || !strings.Contains(w.Body.String(), tc.want) {
				t.Fatalf("got %d %s, want 401 with %s", w.Code, w.Body, tc.want)
			}
			if got := w.Header().Get("WWW-Authenticate"); got != challenge {
				t.Errorf("WWW-Authenticate %q", got)
			}
		})
	}
}

func TestExpiryFollowsTheInjectedClock(t *testing.T) {
	h := newHarness(t, Options{})
	refresh, access := h.login()
	// exp is truncated to the second, so the token dies 250 ms before 2 h have passed.
	h.clock.Advance(2*time.Hour - 251*time.Millisecond)
	if w := h.me("JWT " + access); w.Code != 200 {
		t.Fatalf("just before exp: %d", w.Code)
	}
	if got := w0(h).Header().Get("Date"); got != h.clock.Now().UTC().Format(http.TimeFormat) {
		t.Errorf("Date %q does not show the server's clock", got)
	}
	h.clock.Advance(time.Millisecond)
	if w := h.me("JWT " + access); w.Code != 401 {
		t.Fatalf("at exp: %d", w.Code)
	}
	h.clock.Advance(90*24*time.Hour - 2*time.Hour)
	if w := h.refresh("POST", refresh); w.Code != 401 || !strings.Contains(w.Body.String(), `"detail":"Token is invalid or expired","code":"token_not_valid"`) {
		t.Fatalf("refresh at its exp: %d %s", w.Code, w.Body)
	}
}

func w0(h *harness) *httptest.ResponseRecorder { return h.do("GET", "/", "", "") }

func TestRefreshByGETAndPOST(t *testing.T) {
	for _, method := range []string{"GET", "POST"} {
		for _, path := range []string{refreshPath, "/v1/zonesmart/auth/jwt/refresh/"} {
			t.Run(method+" "+path, func(t *testing.T) {
				h := newHarness(t, Options{})
				refresh, access := h.login()
				h.clock.Advance(477 * time.Second)
				body, _ := json.Marshal(map[string]string{"refresh": refresh})
				w := h.do(method, path, jsonType, string(body))
				if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
					t.Fatalf("%d %s", w.Code, w.Body)
				}
				answer := decodeObject(t, w.Body.Bytes())
				if keys(answer) != "access" {
					t.Fatalf("fields %s", keys(answer))
				}
				next := answer["access"].(string)
				rc, ac, nc := claims(t, refresh), claims(t, access), claims(t, next)
				if nc["jti"] == rc["jti"] || nc["jti"] == ac["jti"] || !jtiPattern.MatchString(nc["jti"].(string)) {
					t.Errorf("jti %v not fresh", nc["jti"])
				}
				if got, want := expSeconds(t, nc), float64(h.clock.Now().Unix()+7200); got != want {
					t.Errorf("exp %v, want %v", got, want)
				}
				for _, k := range []string{"token_type", "exp", "jti"} {
					delete(rc, k)
					delete(nc, k)
				}
				if rawJSON(rc) != rawJSON(nc) {
					t.Errorf("identity claims differ: %s vs %s", rawJSON(rc), rawJSON(nc))
				}
				if w := h.me("JWT " + next); w.Code != 200 {
					t.Errorf("refreshed token refused: %d", w.Code)
				}
				if w := h.refresh("POST", refresh); w.Code != 200 {
					t.Errorf("second refresh: %d", w.Code)
				}
			})
		}
	}
}

func TestRefreshRefusals(t *testing.T) {
	h := newHarness(t, Options{})
	refresh, access := h.login()
	for _, tc := range []struct {
		name, method, contentType, body string
		status                          int
		want                            string
	}{
		{"empty object", "POST", jsonType, `{}`, 400, `{"refresh":["This field is required."]}`},
		{"empty GET", "GET", "", "", 400, `{"refresh":["This field is required."]}`},
		{"blank", "POST", jsonType, `{"refresh":""}`, 400, `This field may not be blank.`},
		{"a list", "POST", jsonType, `["x"]`, 400, `Expected a dictionary, but got list.`},
		{"not JSON", "POST", jsonType, `{"refresh":`, 400, `JSON parse error - `},
		{"text/plain", "POST", "text/plain", `{"refresh":"x"}`, 415, `Unsupported media type`},
		{"access token", "POST", jsonType, `{"refresh":"` + access + `"}`, 401, `{"detail":"Token has wrong type","code":"token_not_valid"}`},
		{"garbage", "POST", jsonType, `{"refresh":"garbage"}`, 401, `{"detail":"Token is invalid or expired","code":"token_not_valid"}`},
		{"a number", "POST", jsonType, `{"refresh":5}`, 401, `"code":"token_not_valid"`},
		{"tampered", "POST", jsonType, `{"refresh":"` + tamper(t, refresh, func(c map[string]any) { c["user_id"] = 2 }) + `"}`, 401, `"code":"token_not_valid"`},
		{"the page's expired token", "GET", jsonType, `{"refresh":"` + pageRefresh + `"}`, 401, `"code":"token_not_valid"`},
		{"DELETE", "DELETE", "", "", 405, `not allowed`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := h.do(tc.method, refreshPath, tc.contentType, tc.body)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
				t.Fatalf("got %d %s, want %d with %s", w.Code, w.Body, tc.status, tc.want)
			}
			if got := w.Header().Get("WWW-Authenticate"); (tc.status == 401) != (got == challenge) {
				t.Errorf("WWW-Authenticate %q on %d", got, tc.status)
			}
		})
	}
	if w := h.do("DELETE", refreshPath, "", ""); w.Header().Get("Allow") != "GET, POST, OPTIONS" {
		t.Errorf("Allow %q", w.Header().Get("Allow"))
	}
}

func TestIssuedAtLikeSimplejwt52(t *testing.T) {
	h := newHarness(t, Options{IssuedAt: true})
	refresh, access := h.login()
	for _, token := range []string{refresh, access} {
		if got := rawJSON(claims(t, token)["iat"]); got != fmt.Sprint(start.Unix()) {
			t.Errorf("iat %s", got)
		}
	}
	h.clock.Advance(time.Hour)
	next := claims(t, h.refreshed(refresh))
	if got := rawJSON(next["iat"]); got != fmt.Sprint(start.Unix()) {
		t.Errorf("refreshed iat %s, want the refresh token's", got)
	}
	if got := expSeconds(t, next); got != float64(h.clock.Now().Unix()+7200) {
		t.Errorf("refreshed exp %v, want refresh time + 2 h", got)
	}
	if h0 := newHarness(t, Options{}); true {
		_, a := h0.login()
		if _, has := claims(t, a)["iat"]; has {
			t.Error("iat without IssuedAt")
		}
	}
}

func TestOptions(t *testing.T) {
	phone := "+79990001122"
	until := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	h := newHarness(t, Options{
		SigningKey:      []byte("k"),
		Users:           []User{{ID: 42, Email: "x@example.com", Password: "p", Username: "x", Phone: &phone, AccessUntil: &until, HasAccess: true}},
		AccessLifetime:  time.Minute,
		RefreshLifetime: time.Hour,
	})
	w := h.create(`{"email":"x@example.com","password":"p"}`)
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	body := decodeObject(t, w.Body.Bytes())
	c := claims(t, body["access"].(string))
	delete(c, "jti")
	want := fmt.Sprintf(`{"access_until":"2027-01-01T00:00:00Z","email":"x@example.com","exp":%d,"has_access":true,"phone":"+79990001122","token_type":"access","user_id":42,"username":"x"}`, start.Unix()+60)
	if rawJSON(c) != want {
		t.Errorf("claims %s", rawJSON(c))
	}
	if got := expSeconds(t, claims(t, body["refresh"].(string))); got != float64(start.Unix()+3600) {
		t.Errorf("refresh exp %v", got)
	}
	if _, err := jwt.Parse(body["access"].(string), func(*jwt.Token) (any, error) { return []byte("k"), nil }, jwt.WithTimeFunc(h.clock.Now)); err != nil {
		t.Errorf("not signed with the configured key: %v", err)
	}
	if w := h.me("JWT " + body["access"].(string)); w.Body.String() != `{"id":42,"email":"x@example.com"}` {
		t.Errorf("me %s", w.Body)
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	_, err := New(Options{
		Faults:         []string{"create-status-201", "no-such-fault", " ", "another-typo"},
		Users:          []User{{ID: 1, Email: "a@b"}, {ID: 1, Email: "a@b", Password: "p"}},
		AccessLifetime: -time.Second,
	})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`"no-such-fault"`, `"another-typo"`, "Users[0].Password", "Users[1].ID: 1 is used twice", `Users[1].Email: "a@b" is used twice`, "AccessLifetime"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
	s, err := New(Options{Faults: []string{" me-status-202 ", "create-status-201"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.ActiveFaults(), ","); got != "create-status-201,me-status-202" {
		t.Errorf("ActiveFaults %s", got)
	}
	if got := ParseFaultList(" a,b  c,,\td "); strings.Join(got, "|") != "a|b|c|d" {
		t.Errorf("ParseFaultList %q", got)
	}
}

func TestUnknownPathsAndOptions(t *testing.T) {
	h := newHarness(t, Options{})
	for _, path := range []string{"/", "/auth/jwt/verify/", "/v1/zonesmart/", "/users/me/x", "/v2/zonesmart/users/me/"} {
		if w := h.do("GET", path, "", ""); w.Code != 404 || w.Body.String() != `{"detail":"Not found."}` || w.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s", path, w.Code, w.Body)
		}
	}
	for _, path := range []string{createPath, refreshPath, mePath} {
		if w := h.do("OPTIONS", path, "", ""); w.Code != 200 || w.Header().Get("Allow") == "" {
			t.Errorf("OPTIONS %s: %d", path, w.Code)
		}
	}
}

func TestRequestsLogsNoSecrets(t *testing.T) {
	h := newHarness(t, Options{})
	_, access := h.login()
	h.me("JWT " + access)
	h.do("GET", createPath, "", "")
	got := h.s.Requests()
	want := []Request{{"POST", createPath, 200}, {"GET", mePath, 200}, {"GET", createPath, 405}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("log %v, want %v", got, want)
	}
	if strings.Contains(fmt.Sprintf("%#v", got), "4815162342") {
		t.Error("the log holds the password")
	}
}

func TestRequestLogIsBounded(t *testing.T) {
	h := newHarness(t, Options{})
	for i := 0; i < maxLogged+5; i++ {
		h.do("GET", fmt.Sprintf("/n/%d", i), "", "")
	}
	log := h.s.Requests()
	if len(log) != maxLogged || log[len(log)-1].Path != fmt.Sprintf("/n/%d", maxLogged+4) || log[0].Path != "/n/5" {
		t.Errorf("log of %d, first %v, last %v", len(log), log[0], log[len(log)-1])
	}
}

// TestConcurrentUse runs whole flows in parallel over real HTTP (the page's GET with a body
// included); run it under -race.
func TestConcurrentUse(t *testing.T) {
	for _, faults := range [][]string{nil, {faultRefreshSingleUse, faultRefreshReusesAccessJTI}, {faultRefreshAccessUnregistered}} {
		s, err := New(Options{Faults: faults})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := flow(srv.URL); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		srv.Close()
		close(errs)
		for err := range errs {
			t.Errorf("%v: %v", faults, err)
		}
		if n := len(s.Requests()); n != 16*3 {
			t.Errorf("%v: %d requests logged, want 48", faults, n)
		}
	}
}

func flow(base string) error {
	post := func(path, body string) (map[string]any, error) {
		resp, err := http.Post(base+path, jsonType, strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var m map[string]any
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			return nil, fmt.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
		return m, json.Unmarshal(b, &m)
	}
	pair, err := post(createPath, rightBody)
	if err != nil {
		return err
	}
	req, _ := http.NewRequest("GET", base+refreshPath, strings.NewReader(`{"refresh":"`+pair["refresh"].(string)+`"}`))
	req.Header.Set("Content-Type", jsonType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	var answer map[string]string
	err = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		return fmt.Errorf("refresh by GET: %d %v", resp.StatusCode, err)
	}
	req, _ = http.NewRequest("GET", base+mePath, nil)
	req.Header.Set("Authorization", "JWT "+pair["access"].(string))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("me: %d", resp.StatusCode)
	}
	return nil
}

// TestNoInputPanics throws hostile requests at a server with every fault on, and at a clean
// one: every answer must be an HTTP answer, never a panic.
func TestNoInputPanics(t *testing.T) {
	var all []string
	for _, f := range Faults() {
		all = append(all, f.Name)
	}
	for _, faults := range [][]string{nil, all} {
		h := withFaults(t, faults...)
		_, access := h.login()
		bodies := []string{"", "null", "0", `"x"`, "[]", "{", `{"email":1,"password":true}`, `{"refresh":null}`, `{"refresh":"a.b.c"}`,
			`{"refresh":"` + access + `"}`, "\x00\xff", strings.Repeat("[", 10000), `{"email":"admin@zonesmart.ru","password":4815162342}`}
		auths := []string{"", "JWT", "JWT ..", "JWT a.b.c", "JWT " + access + " x", "jwt x", "Bearer " + access, "JWT e30.e30.", "JWT bnVsbA.bnVsbA.", "JWT W10.W10.", "JWT eyJhbGciOiJub25lIn0.bnVsbA."}
		for _, path := range []string{createPath, refreshPath, mePath, "/x"} {
			for _, method := range []string{"GET", "POST", "PUT", "OPTIONS"} {
				for _, ct := range []string{"", jsonType, "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "bad/;;"} {
					for _, body := range bodies {
						for _, auth := range auths {
							w := h.do(method, path, ct, body, "Authorization", auth)
							if w.Code < 200 || w.Code > 599 || h.s.panics.Load() != 0 {
								t.Fatalf("%s %s %q %q %q: status %d, %d panics", method, path, ct, body, auth, w.Code, h.s.panics.Load())
							}
						}
					}
				}
			}
		}
	}
}

func FuzzServeHTTP(f *testing.F) {
	f.Add("POST", createPath, jsonType, rightBody, "")
	f.Add("GET", refreshPath, jsonType, `{"refresh":"a.b.c"}`, "")
	f.Add("GET", mePath, "", "", "JWT e30.e30.")
	f.Add("GET", mePath, "", "", "JWT eyJhbGciOiJub25lIn0.eyJleHAiOiIxZTMwMCJ9.")
	s, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, contentType, body, auth string) {
		r, err := http.NewRequest(method, "http://mock"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		r.Header.Set("Content-Type", contentType)
		r.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code == 500 {
			t.Errorf("500 without a fault: %s %s %q", method, path, body)
		}
	})
}
