package flow

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
)

func defaults(t *testing.T) *config.Config {
	cfg, err := config.Load("", func(string) (string, bool) { return "", false }, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// upstreamLike answers like djoser + simplejwt: refresh by POST only.
func upstreamLike(calls map[string]int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls[r.Method+" "+r.URL.Path]++
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/zonesmart/auth/jwt/create/":
			if r.Header.Get("Content-Type") != "application/json" {
				w.WriteHeader(415)
				return
			}
			var creds map[string]any
			if json.NewDecoder(r.Body).Decode(&creds) != nil || creds["email"] == nil || creds["password"] == nil {
				w.WriteHeader(400)
				return
			}
			calls["log-in"]++
			_ = json.NewEncoder(w).Encode(map[string]string{"refresh": "r.r.r", "access": "a.a.a"})
		case "/auth/jwt/refresh/":
			if r.Method != "POST" {
				w.Header().Set("Allow", "POST, OPTIONS")
				w.WriteHeader(405)
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]string{"access": "n.n.n"})
		case "/users/me/":
			if r.Header.Get("Authorization") == "" {
				w.WriteHeader(401)
				return
			}
			_, _ = w.Write([]byte(`{"id":1,"email":"a@b"}`))
		}
	})
}

func TestOneLogInAndTheFallbackAfter405(t *testing.T) {
	calls := map[string]int{}
	srv := httptest.NewServer(upstreamLike(calls))
	defer srv.Close()
	f := Run(context.Background(), Options{Client: httpx.New(srv.URL, time.Second), Config: defaults(t), Email: "a@b", Password: "pw", Target: srv.URL})
	if calls["log-in"] != 1 {
		t.Fatalf("the flow must log in exactly once: %v", calls)
	}
	if f.Exchanges[Refresh].Status() != 405 || f.Exchanges[RefreshFallback].Status() != 200 || f.Refreshed() != f.Exchanges[RefreshFallback] {
		t.Fatalf("a 405 on the documented method should fall back to the Allow method: %v", calls)
	}
	if f.Exchanges[RefreshAgain].Request.Method != "POST" || f.Exchanges[MeRefreshed].Status() != 200 {
		t.Fatalf("later steps should use the method that works")
	}
	if f.Requests != int64(len(Steps)) {
		t.Fatalf("%d requests for %d steps", f.Requests, len(Steps))
	}
	if got := f.Exchanges[Me].Request.Header.Get("Authorization"); got != "JWT a.a.a" {
		t.Fatalf("Authorization %q", got)
	}
	if len(f.Tokens()) == 0 {
		t.Fatal("tokens not collected for redaction")
	}
}

// The walked refusals: what each sends, and that only the text/plain log-in carries the
// password (never retried) besides the log-in itself.
func TestWalkedRefusals(t *testing.T) {
	calls := map[string]int{}
	srv := httptest.NewServer(upstreamLike(calls))
	defer srv.Close()
	f := Run(context.Background(), Options{Client: httpx.New(srv.URL, time.Second), Config: defaults(t), Email: "a@b", Password: "pw", Target: srv.URL})
	for step, want := range map[string]string{
		CreateMissingField: `{"email":""}`, CreateMissingEmail: `{"password":""}`, CreateNotJSON: NotJSON,
		CreateContentType: `{"email":"a@b","password":"pw"}`, RefreshMissingField: `{}`,
		RefreshGarbage: `{"refresh":"not-a-jwt"}`, RefreshNotJSON: NotJSON, RefreshContentType: `{"refresh":"r.r.r"}`,
	} {
		ex := f.Exchanges[step]
		if ex == nil || string(ex.Request.Body) != want {
			t.Errorf("%s: sent %v, want body %s", step, ex, want)
			continue
		}
		textPlain := step == CreateContentType || step == RefreshContentType
		if ct := ex.Request.Header.Get("Content-Type"); (ct == "text/plain") != textPlain {
			t.Errorf("%s: Content-Type %q", step, ct)
		}
		if ex.Request.Method != "POST" && step != CreateContentType && step != CreateMissingField && step != CreateMissingEmail && step != CreateNotJSON {
			t.Errorf("%s: the refusals of refresh use the method that works, got %s", step, ex.Request.Method)
		}
	}
	if f.Exchanges[CreateContentType].Status() != 415 {
		t.Errorf("the text/plain log-in: %s", f.Exchanges[CreateContentType].Summary())
	}
	if got := f.Exchanges[MeSchemeOnly].Request.Header.Get("Authorization"); got != "JWT" {
		t.Errorf("me-scheme-only: Authorization %q", got)
	}
}

func TestUnreachableTargetStopsAfterTheLogIn(t *testing.T) {
	c := httpx.New("http://127.0.0.1:9", time.Second)
	f := Run(context.Background(), Options{Client: c, Config: defaults(t), Email: "a@b", Password: "pw"})
	if f.Fatal == "" || len(f.Exchanges) != 1 || c.Requests() != 1 {
		t.Fatalf("expected one failed log-in and nothing else: fatal %q, %d exchanges", f.Fatal, len(f.Exchanges))
	}
}

func TestReplaySendsOnlyRecordedSteps(t *testing.T) {
	calls := map[string]int{}
	srv := httptest.NewServer(upstreamLike(calls))
	defer srv.Close()
	f := Run(context.Background(), Options{Client: httpx.New(srv.URL, time.Second), Config: defaults(t), Email: "a@b", Password: "pw",
		Recorded: func(step string) bool { return step == Create || step == Me }})
	if len(f.Exchanges) != 2 || f.NotSent[MeAnonymous] == "" {
		t.Fatalf("replay should send only recorded steps: %v", calls)
	}
}
