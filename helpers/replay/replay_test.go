package replay

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zonesmart/jwt-conformance/fixtures"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
)

const base = "http://zonesmart.invalid"

func pageSet(t *testing.T) *Set {
	t.Helper()
	set, err := Load(fixtures.Page, "page")
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestPageFixturesLoad(t *testing.T) {
	set := pageSet(t)
	if len(set.Fixtures) != 3 || !set.Has("create") || !set.Has("me") || !set.Has("refresh") || set.Recorded {
		t.Fatalf("unexpected page set: %+v", set)
	}
	email, pw, err := set.Credentials()
	if err != nil || email != "admin@zonesmart.ru" || pw != "4815162342" {
		t.Fatalf("credentials %q %q %v", email, pw, err)
	}
}

func TestExactRequestMatches(t *testing.T) {
	set := pageSet(t)
	c := httpx.New(base, time.Second)
	s := Start(c.HTTP, base, set.ForStep("create"))
	defer s.Stop()
	ex := c.Do(context.Background(), httpx.Call{Method: "POST", Path: "/v1/zonesmart/auth/jwt/create/",
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   []byte(`{"password":"4815162342","email":"admin@zonesmart.ru"}`)})
	if ex.Status() != 200 || ex.Header("Content-Type") != "application/json" {
		t.Fatalf("exact request not answered: %+v", ex)
	}
	if p := s.Problems(); len(p) != 0 {
		t.Fatalf("problems after a clean replay: %v", p)
	}
}

func TestMismatchesAreNamed(t *testing.T) {
	set := pageSet(t)
	cases := []struct {
		call httpx.Call
		want string
	}{
		{httpx.Call{Method: "POST", Path: "/auth/jwt/refresh/", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"refresh":"x"}`)}, "method POST was sent, GET recorded"},
		// gock matches paths as unanchored regexps; the replay must not.
		{httpx.Call{Method: "POST", Path: "/v1/zonesmart/auth/jwt/create/extra", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"email":"admin@zonesmart.ru","password":"4815162342"}`)}, "path /v1/zonesmart/auth/jwt/create/extra was sent"},
		{httpx.Call{Method: "POST", Path: "/v1/zonesmart/auth/jwt/create/", Body: []byte(`{"email":"admin@zonesmart.ru","password":"4815162342"}`)}, "header Content-Type differs"},
		{httpx.Call{Method: "POST", Path: "/v1/zonesmart/auth/jwt/create/", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"email":"admin@zonesmart.ru","password":"wrong"}`)}, "JSON body differs"},
	}
	for _, tc := range cases {
		c := httpx.New(base, time.Second)
		s := Start(c.HTTP, base, set.Fixtures)
		ex := c.Do(context.Background(), tc.call)
		if ex.Response != nil || !strings.Contains(ex.Err, tc.want) {
			t.Errorf("%s %s: got %q, want %q", tc.call.Method, tc.call.Path, ex.Err, tc.want)
		}
		p := strings.Join(s.Problems(), "\n")
		if !strings.Contains(p, tc.want) || !strings.Contains(p, "fixture never requested: auth.yaml exchanges[0] (create)") {
			t.Errorf("problems should name the miss and the unused fixtures:\n%s", p)
		}
		s.Stop()
	}
}

func TestNothingLeaksToTheNetwork(t *testing.T) {
	c := httpx.New(base, time.Second)
	s := Start(c.HTTP, base, nil)
	defer s.Stop()
	// Even the default client goes through gock while a session runs.
	if _, err := http.Get("http://127.0.0.1:9/"); err == nil || !strings.Contains(err.Error(), "gock") {
		t.Fatalf("a request escaped the replay: %v", err)
	}
}

func TestRecordedTimeStandsForNow(t *testing.T) {
	fsys := fstest.MapFS{"rec/a.yaml": {Data: []byte(`source: a recording
exchanges:
  - step: me
    sent_at: 2026-01-02T03:04:05Z
    received_at: 2026-01-02T03:04:06Z
    request: {method: GET, path: /users/me/}
    response: {status: 401, body_text: "no"}
`)}}
	set, err := Load(fsys, "rec")
	if err != nil {
		t.Fatal(err)
	}
	c := httpx.New(base, time.Second)
	s := Start(c.HTTP, base, set.Fixtures)
	defer s.Stop()
	c.Times = s.Times
	ex := c.Do(context.Background(), httpx.Call{Method: "GET", Path: "/users/me/"})
	if ex.Status() != 401 || ex.Sent.Format(time.RFC3339) != "2026-01-02T03:04:05Z" {
		t.Fatalf("recorded time not used: %+v", ex)
	}
}

func TestBadFixturesNameFileAndField(t *testing.T) {
	fsys := fstest.MapFS{
		"bad/a.yaml": {Data: []byte("exchanges:\n  - step: me\n    request: {method: PUT, path: users}\n    response: {status: 0}\n")},
		"bad/b.yaml": {Data: []byte("exchanges:\n  - stepp: me\n")},
		"bad/c.yaml": {Data: []byte("exchanges: [\n")},
	}
	_, err := Load(fsys, "bad")
	if err == nil {
		t.Fatal("bad fixtures loaded")
	}
	for _, want := range []string{`a.yaml exchanges[0] (me): request.method "PUT"`, `request.path "users"`, "response.status 0", "b.yaml: is not a fixture file", "stepp", "c.yaml: is not a fixture file"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if _, err := Load(fsys, "none"); err == nil || !strings.Contains(err.Error(), "no *.yaml files") {
		t.Errorf("empty dir: %v", err)
	}
}
