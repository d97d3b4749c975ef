package record

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"github.com/zonesmart/jwt-conformance/fixtures"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/out"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
	"github.com/zonesmart/jwt-conformance/helpers/replay"
	"github.com/zonesmart/jwt-conformance/helpers/tokens"
)

const (
	target     = "https://staging.example.com"
	email      = "qa@example.com"
	password   = "correct-horse-battery"
	signingKey = "the-signing-key-0123456789"
)

var sent = time.Date(2026, 11, 27, 17, 0, 0, 123456789, time.UTC)

func mint(t *testing.T, kind string, jti string) string {
	t.Helper()
	tok, err := tokens.Mint(map[string]any{"token_type": kind, "exp": 1800000000, "jti": jti, "user_id": 1, "email": email}, []byte(signingKey), "HS256")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func exchange(step, method, path string, header http.Header, body string, status int, respHeader http.Header, respBody string) *httpx.Exchange {
	if header == nil {
		header = http.Header{}
	}
	header.Set("Content-Type", "application/json")
	return &httpx.Exchange{Step: step, Request: httpx.Request{Method: method, URL: target + path, Header: header, Body: []byte(body)},
		Response: &httpx.Response{Status: status, Header: respHeader, Body: []byte(respBody)},
		Sent:     sent, Received: sent.Add(40 * time.Millisecond), Attempts: 1}
}

func newRecorder(t *testing.T, dir string, process int) *Recorder {
	t.Helper()
	r, err := New(Options{Dir: dir, Process: process, Target: target, Password: password, Secrets: []string{signingKey}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A recorded create, me and refresh, replayed through the page replay's own loader and gock
// session: the replay logs in with the placeholder, and sends exactly the redacted tokens it was
// given, and every request matches.
func TestRecordingReplaysWithRedactedCredentials(t *testing.T) {
	dir := t.TempDir()
	rec := newRecorder(t, dir, 1)
	access, refresh, newAccess := mint(t, "access", strings.Repeat("a", 32)), mint(t, "refresh", strings.Repeat("b", 32)), mint(t, "access", strings.Repeat("c", 32))
	json := http.Header{"Content-Type": {"application/json"}, "Date": {"Fri, 27 Nov 2026 17:00:00 GMT"},
		"Content-Length": {"999"}, "Set-Cookie": {"sessionid=live-session-cookie"}}
	rec.Record(exchange("create", "POST", "/v1/zonesmart/auth/jwt/create/", nil,
		`{"email":"`+email+`","password":"`+password+`"}`, 200, json, `{"refresh":"`+refresh+`","access":"`+access+`"}`))
	rec.Record(exchange("me", "GET", "/users/me/", http.Header{"Authorization": {"JWT " + access}}, "", 200, json, `{"id":1,"email":"`+email+`"}`))
	rec.Record(exchange("me-example-token", "GET", "/users/me/", http.Header{"Authorization": {"JWT " + fixtures.PageAccessToken}}, "", 401,
		http.Header{"Content-Type": {"application/json"}, "Www-Authenticate": {`JWT realm="api"`}}, `{"detail":"Given token not valid for any token type"}`))
	rec.Record(exchange("refresh", "GET", "/auth/jwt/refresh/", nil, `{"refresh":"`+refresh+`"}`, 200, json, `{"access":"`+newAccess+`"}`))
	rec.Record(&httpx.Exchange{Step: "me-refreshed", Request: httpx.Request{Method: "GET", URL: target + "/users/me/"}, Err: "no answer within 10s"})
	if err := rec.Err(); err != nil {
		t.Fatal(err)
	}
	if got := rec.Summary(); !strings.Contains(got, "recorded 4 exchange(s)") || !strings.Contains(got, "me-refreshed (no answer: no answer within 10s)") {
		t.Errorf("summary: %s", got)
	}

	names := files(t, dir)
	want := []string{"p1-0001-create.yaml", "p1-0002-me.yaml", "p1-0003-me-example-token.yaml", "p1-0004-refresh.yaml"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("files %v, want %v", names, want)
	}
	all := ""
	for _, n := range names {
		data, _ := os.ReadFile(filepath.Join(dir, n))
		all += string(data)
	}
	for _, secret := range []string{password, signingKey, signature(access), signature(refresh), signature(newAccess), "live-session-cookie"} {
		if strings.Contains(all, secret) {
			t.Errorf("the recording holds %q", secret)
		}
	}
	if !strings.Contains(all, signature(fixtures.PageAccessToken)) {
		t.Error("the page's own token must stay as it is: the suite sends it verbatim")
	}

	set, err := replay.Load(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	if !set.Recorded || !set.Fixtures[0].SentAt.Equal(sent) || !strings.HasPrefix(set.Source, "recording of "+target) {
		t.Errorf("recorded time or source lost: %v %v %q", set.Recorded, set.Fixtures[0].SentAt, set.Source)
	}
	gotEmail, gotPassword, err := set.Credentials()
	if err != nil || gotEmail != email || gotPassword != Placeholder {
		t.Fatalf("credentials %q %q %v", gotEmail, gotPassword, err)
	}
	create := set.ForStep("create")[0]
	if _, ok := create.Response.Headers["Content-Length"]; ok || create.Response.Headers["Set-Cookie"] != redact.Mask || create.Response.Headers["Date"] == "" {
		t.Errorf("response headers: %v", create.Response.Headers)
	}

	// Replay as the suite would: log in with the placeholder, then use what came back.
	const base = "http://zonesmart.invalid"
	c := httpx.New(base, time.Second)
	s := replay.Start(c.HTTP, base, set.Fixtures)
	defer s.Stop()
	c.Times = s.Times
	h := func(auth string) http.Header {
		out := http.Header{"Content-Type": {"application/json"}}
		if auth != "" {
			out.Set("Authorization", auth)
		}
		return out
	}
	login := c.Do(context.Background(), httpx.Call{Step: "create", Method: "POST", Path: "/v1/zonesmart/auth/jwt/create/", Header: h(""),
		Body: []byte(`{"email":"` + email + `","password":"` + Placeholder + `"}`)})
	obj, err := login.Object()
	if err != nil {
		t.Fatalf("replayed log-in: %v %s", err, login.Err)
	}
	gotAccess, _ := obj["access"].(string)
	gotRefresh, _ := obj["refresh"].(string)
	if gotAccess != redact.Token(access) || gotRefresh != redact.Token(refresh) || !login.Sent.Equal(sent) {
		t.Fatalf("replayed tokens %q %q at %v", gotAccess, gotRefresh, login.Sent)
	}
	for _, call := range []httpx.Call{
		{Step: "me", Method: "GET", Path: "/users/me/", Header: h("JWT " + gotAccess)},
		{Step: "me-example-token", Method: "GET", Path: "/users/me/", Header: h("JWT " + fixtures.PageAccessToken)},
		{Step: "refresh", Method: "GET", Path: "/auth/jwt/refresh/", Header: h(""), Body: []byte(`{"refresh":"` + gotRefresh + `"}`)},
	} {
		if ex := c.Do(context.Background(), call); ex.Response == nil {
			t.Errorf("%s did not match its recording: %s", call.Step, ex.Err)
		}
	}
	if p := s.Problems(); len(p) > 0 {
		t.Errorf("replay problems: %v", p)
	}
}

// A token the suite alters around a live signature, or a wrong password it derives from the real
// one, is recorded as the suite will derive it in replay from what replay gives it.
func TestDerivedValuesStayDerivable(t *testing.T) {
	rec := newRecorder(t, t.TempDir(), 1)
	access := mint(t, "access", strings.Repeat("d", 32))
	rec.Record(exchange("create", "POST", "/v1/zonesmart/auth/jwt/create/", nil, `{"email":"e","password":"`+password+`"}`, 200, nil, `{"access":"`+access+`"}`))
	tampered, err := tokens.Alter(access, func(_, claims map[string]any) { claims["user_id"] = 2 })
	if err != nil {
		t.Fatal(err)
	}
	noHeader := "garbage." + strings.SplitN(access, ".", 2)[1]
	for in, want := range map[string]string{
		"JWT " + tampered:                       "JWT " + redact.Token(tampered),
		"JWT " + noHeader:                       "JWT garbage." + strings.SplitN(redact.Token(access), ".", 2)[1],
		"JWT not-a-token":                       "JWT not-a-token",
		"JWT a.b.c":                             "JWT a.b.c",
		`{"password":"` + password + `-wrong"}`: `{"password":"` + Placeholder + `-wrong"}`,
		"key " + signingKey:                     "key ***",
	} {
		if got := rec.text(in); got != want {
			t.Errorf("%q\n recorded as %q\n want        %q", in, got, want)
		}
	}
}

func TestBodiesTheReplayCannotServeExactlyAreKeptAsText(t *testing.T) {
	dir := t.TempDir()
	rec := newRecorder(t, dir, 1)
	rec.Record(exchange("me", "GET", "/users/me/", nil, "", 200, nil, `{"id":1.0,"email":"e"}`))
	rec.Record(exchange("me-anonymous", "GET", "/users/me/", nil, "", 500, nil, "<h1>Server Error</h1>"))
	rec.Record(exchange("me-refreshed", "GET", "/users/me/", nil, "", 200, nil, `{"id":7,"nested":{"ok":true,"list":[1,"x",null]}}`))
	set, err := replay.Load(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	if got := set.ForStep("me")[0].Response; got.BodyText != `{"id":1.0,"email":"e"}` || got.Body != nil {
		t.Errorf("1.0 must stay 1.0: %+v", got)
	}
	if got := set.ForStep("me-anonymous")[0].Response; got.BodyText != "<h1>Server Error</h1>" {
		t.Errorf("a text body: %+v", got)
	}
	if got := set.ForStep("me-refreshed")[0].Response; got.Body == nil || got.BodyText != "" {
		t.Errorf("a plain JSON body is written as YAML: %+v", got)
	}
}

// Under ginkgo -p every process records into the same directory: nothing is overwritten,
// nothing lost, and each process's order is kept.
func TestProcessesRecordSideBySide(t *testing.T) {
	dir := t.TempDir()
	first := newRecorder(t, dir, 1)
	first.Record(exchange("create", "POST", "/c/", nil, `{"email":"e","password":"`+password+`"}`, 200, nil, `{}`))
	second := newRecorder(t, dir, 2) // a later process does not object to process 1's files
	third := newRecorder(t, dir, 3)
	for i := 0; i < 3; i++ {
		second.Record(exchange("me-anonymous", "GET", "/m/", nil, "", 401, nil, `{}`))
		third.Record(exchange("refresh-garbage", "GET", "/r/", nil, `{"refresh":"x"}`, 401, nil, `{}`))
	}
	first.Record(exchange("me", "GET", "/m/", nil, "", 401, nil, `{}`))
	got := files(t, dir)
	want := []string{"p1-0001-create.yaml", "p1-0002-me.yaml",
		"p2-0001-me-anonymous.yaml", "p2-0002-me-anonymous.yaml", "p2-0003-me-anonymous.yaml",
		"p3-0001-refresh-garbage.yaml", "p3-0002-refresh-garbage.yaml", "p3-0003-refresh-garbage.yaml"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files %v", got)
	}
	set, err := replay.Load(os.DirFS(dir), ".")
	if err != nil || len(set.Fixtures) != len(want) {
		t.Fatalf("replay loads %v fixtures: %v", set, err)
	}
}

func TestARecordingDirectoryMustStartEmpty(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p1-0001-create.yaml"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New(Options{Dir: dir, Process: 1, Target: target})
	if err == nil || !strings.Contains(err.Error(), "already holds 1 fixture file(s) (p1-0001-create.yaml…)") {
		t.Fatalf("got %v", err)
	}
	// A stale file a process would write is refused, not overwritten.
	rec := newRecorder(t, dir, 2)
	if err := os.WriteFile(filepath.Join(dir, "p2-0001-me.yaml"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec.Record(exchange("me", "GET", "/m/", nil, "", 401, nil, `{}`))
	if err := rec.Err(); err == nil || !strings.Contains(err.Error(), "p2-0001-me.yaml already exists") {
		t.Fatalf("got %v", err)
	}
}

func TestNothingLeaksEvenIfRedactionMissedIt(t *testing.T) {
	rec := newRecorder(t, t.TempDir(), 1)
	access := mint(t, "access", strings.Repeat("e", 32))
	rec.Learn(access)
	if leak := rec.leak("... " + signature(access) + " ..."); leak != "a token signature" {
		t.Errorf("leak check: %q", leak)
	}
	if leak := rec.leak("... " + password); leak != "the password" {
		t.Errorf("leak check: %q", leak)
	}
	// What the literal checks miss, the run's redactor finds: the password JSON-escaped, a
	// token neither learned nor shaped like eyJ…, a triple signed under the key.
	r := redact.New(`pä"ss`)
	r.SetSigningKey([]byte(signingKey))
	d := out.New(r, io.Discard, io.Discard)
	rec, err := New(Options{Dir: t.TempDir(), Process: 1, Target: target, Password: `pä"ss`, Door: d})
	if err != nil {
		t.Fatal(err)
	}
	spaced := base64.RawURLEncoding.EncodeToString([]byte(`{ "alg": "HS256" }`)) + ".eyJqdGkiOiJ4In0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1oZXJl"
	for _, text := range []string{`pä\"ss`, "token " + spaced, "signed " + mintedUnder(t, "b2RkLWhlYWRlcg", signingKey)} {
		if leak := rec.leak(text); !strings.Contains(leak, "found by the redactor") {
			t.Errorf("%q: leak check %q, want the redactor's finding", text, leak)
		}
	}
}

// A fixture is written redacted by the door's redactor: what it learned is masked in the file.
func TestFixturesPassTheDoor(t *testing.T) {
	dir := t.TempDir()
	r := redact.New(password, signingKey)
	r.SetSigningKey([]byte(signingKey))
	d := out.New(r, io.Discard, io.Discard)
	rec, err := New(Options{Dir: dir, Process: 1, Target: target, Password: password, Secrets: []string{signingKey}, Door: d})
	if err != nil {
		t.Fatal(err)
	}
	r.AddSecret("learned-opaque-credential")
	rec.Record(exchange("me", "GET", "/users/me/", nil, "", 500, nil, "<p>learned-opaque-credential "+fixtures.PageAccessToken+"</p>"))
	if err := rec.Err(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, files(t, dir)[0]))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "learned-opaque-credential") || !strings.Contains(string(data), fixtures.PageAccessToken) {
		t.Errorf("fixture:\n%s", data)
	}
}

// mintedUnder signs head.claims under key with HS256, whatever head is.
func mintedUnder(t *testing.T, head, key string) string {
	t.Helper()
	input := head + ".eyJqdGkiOiJ5In0"
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// A value the run's redactor masks whole stays a YAML string: a bare *** would be an alias.
func TestAValueMaskedWholeStaysAFixture(t *testing.T) {
	dir := t.TempDir()
	r := redact.New(password)
	r.AddSecret("learned-opaque-credential")
	rec, err := New(Options{Dir: dir, Process: 1, Target: target, Password: password, Door: out.New(r, io.Discard, io.Discard)})
	if err != nil {
		t.Fatal(err)
	}
	rec.Record(exchange("refresh-garbage", "POST", "/r/", http.Header{"X-Credential": {"learned-opaque-credential"}}, `{"refresh":"learned-opaque-credential"}`, 401, nil, `{"detail":"learned-opaque-credential"}`))
	if err := rec.Err(); err != nil {
		t.Fatal(err)
	}
	set, err := replay.Load(os.DirFS(dir), ".")
	if err != nil {
		t.Fatalf("the fixture does not load: %v", err)
	}
	if got := set.ForStep("refresh-garbage")[0].Request.Headers["X-Credential"]; got != redact.Mask {
		t.Errorf("header recorded as %q", got)
	}
}
