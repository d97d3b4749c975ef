package httpx

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/ghttp"

	"github.com/zonesmart/jwt-conformance/helpers/redact"
)

// server returns a ghttp server whose Verify handlers report through t.
func server(t *testing.T) *ghttp.Server {
	gomega.RegisterTestingT(t)
	return ghttp.NewServer()
}

// ctx is the context of requests that no test cancels.
var ctx = context.Background()

func newClient(base string) *Client {
	c := New(base, 2*time.Second)
	c.Retries = 2
	c.MaxRetryAfter = 5 * time.Second
	c.Wait = func(context.Context, time.Duration) error { return nil }
	return c
}

func TestExchangeRecordsBothSides(t *testing.T) {
	s := server(t)
	defer s.Close()
	s.AppendHandlers(ghttp.CombineHandlers(
		ghttp.VerifyRequest("POST", "/v1/zonesmart/auth/jwt/create/"),
		ghttp.VerifyJSON(`{"email":"a@b","password":"pw"}`),
		ghttp.RespondWith(200, `{"access":"x"}`, http.Header{"Content-Type": {"application/json"}}),
	))
	c := newClient(s.URL())
	ex := c.Do(ctx, Call{Step: "create", Method: "POST", Path: "/v1/zonesmart/auth/jwt/create/", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"email":"a@b","password":"pw"}`), Password: true})
	if ex.Err != "" || ex.Status() != 200 || c.Requests() != 1 {
		t.Fatalf("unexpected exchange %+v %s", ex, ex.Transcript(redact.New(), 400))
	}
	obj, err := ex.Object()
	if err != nil || obj["access"] != "x" {
		t.Fatalf("object %v %v", obj, err)
	}
	tr := ex.Transcript(redact.New("pw"), 4096)
	if strings.Contains(tr, `"pw"`) || !strings.Contains(tr, "── answer 200 OK") {
		t.Fatalf("transcript:\n%s", tr)
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	s := server(t)
	defer s.Close()
	s.AppendHandlers(ghttp.RespondWith(302, "", http.Header{"Location": {"http://elsewhere.invalid/steal"}}))
	ex := newClient(s.URL()).Do(ctx, Call{Step: "me", Method: "GET", Path: "/users/me/", Header: http.Header{"Authorization": {"JWT t"}}})
	if ex.Status() != 302 || len(s.ReceivedRequests()) != 1 {
		t.Fatalf("redirect followed or lost: %+v", ex)
	}
}

func TestRetriesOnlyWhereSafe(t *testing.T) {
	s := server(t)
	defer s.Close()
	s.RouteToHandler("GET", "/users/me/", ghttp.RespondWith(503, "busy"))
	s.RouteToHandler("POST", "/create/", ghttp.RespondWith(503, "busy"))
	c := newClient(s.URL())
	if ex := c.Do(ctx, Call{Method: "GET", Path: "/users/me/"}); ex.Attempts != 3 || ex.Status() != 503 {
		t.Fatalf("503 should be retried twice: %d attempts", ex.Attempts)
	}
	if ex := c.Do(ctx, Call{Method: "POST", Path: "/create/", Password: true}); ex.Attempts != 1 {
		t.Fatalf("a request carrying a password must never be retried: %d attempts", ex.Attempts)
	}
	s.RouteToHandler("GET", "/bad/", ghttp.RespondWith(500, "boom"))
	if ex := c.Do(ctx, Call{Method: "GET", Path: "/bad/"}); ex.Attempts != 1 {
		t.Fatalf("500 must not be retried: %d attempts", ex.Attempts)
	}
}

func TestTooManyRequests(t *testing.T) {
	s := server(t)
	defer s.Close()
	s.AppendHandlers(
		ghttp.RespondWith(429, "", http.Header{"Retry-After": {"1"}}),
		ghttp.RespondWith(200, "{}"),
		ghttp.RespondWith(429, "", http.Header{"Retry-After": {"120"}}),
	)
	c := newClient(s.URL())
	var slept time.Duration
	c.Wait = func(_ context.Context, d time.Duration) error { slept += d; return nil }
	if ex := c.Do(ctx, Call{Method: "GET", Path: "/users/me/"}); ex.Status() != 200 || slept != time.Second {
		t.Fatalf("Retry-After 1 should be honoured: %+v slept %s", ex, slept)
	}
	ex := c.Do(ctx, Call{Method: "GET", Path: "/users/me/"})
	if !strings.Contains(ex.Err, "rate limited") || !strings.Contains(ex.Err, "max_retry_after") || ex.Attempts != 1 {
		t.Fatalf("a long Retry-After must fail clearly: %+v", ex)
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	s := server(t)
	defer s.Close()
	release := make(chan struct{})
	defer close(release)
	s.AppendHandlers(func(http.ResponseWriter, *http.Request) { <-release })
	c := newClient(s.URL())
	c.Timeout = 100 * time.Millisecond
	start := time.Now()
	ex := c.Do(ctx, Call{Method: "GET", Path: "/users/me/"})
	if time.Since(start) > 5*time.Second || !strings.Contains(ex.Err, "no answer within 100ms") {
		t.Fatalf("expected a quick timeout, got %q after %s", ex.Err, time.Since(start))
	}
}

func TestUnreachableAndBudget(t *testing.T) {
	c := newClient("http://127.0.0.1:9")
	ex := c.Do(ctx, Call{Method: "POST", Path: "/x", Password: true})
	if !strings.HasPrefix(ex.Err, "target unreachable: connection refused") {
		t.Fatalf("got %q", ex.Err)
	}
	spent, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancel()
	if ex := c.Do(spent, Call{Method: "GET", Path: "/x"}); !strings.Contains(ex.Err, "run budget spent") {
		t.Fatalf("got %q", ex.Err)
	}
}

func TestHugeBodyIsCut(t *testing.T) {
	s := server(t)
	defer s.Close()
	s.AppendHandlers(ghttp.RespondWith(200, strings.Repeat("x", 10<<20)))
	ex := newClient(s.URL()).Do(ctx, Call{Method: "GET", Path: "/"})
	if !ex.Response.Truncated || len(ex.Response.Body) != MaxBody {
		t.Fatalf("body not cut: %d bytes", len(ex.Response.Body))
	}
	if _, err := ex.Object(); err == nil || !strings.Contains(err.Error(), "larger than the client reads") {
		t.Fatalf("got %v", err)
	}
}

func TestObjectNamesWhatIsWrong(t *testing.T) {
	for body, want := range map[string]string{`<html>`: "not JSON", `[1]`: "not an object", `{"a":1}{}`: "data after"} {
		ex := &Exchange{Response: &Response{Status: 200, Body: []byte(body)}}
		if _, err := ex.Object(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", body, err, want)
		}
	}
}

// The suite never sends a method that could change or delete data, whatever it is asked.
func TestOnlyGetAndPostAreSent(t *testing.T) {
	s := server(t)
	defer s.Close()
	s.AllowUnhandledRequests = true
	c := newClient(s.URL())
	for _, m := range []string{"PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "get"} {
		ex := c.Do(ctx, Call{Step: "me", Method: m, Path: "/users/me/"})
		if ex.Response != nil || !strings.Contains(ex.Err, "refused to send "+m) {
			t.Errorf("%s: %+v", m, ex)
		}
	}
	if n := len(s.ReceivedRequests()); n != 0 || c.Requests() != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

func TestBackoffGrowsAndStaysInBudget(t *testing.T) {
	s := server(t)
	defer s.Close()
	s.RouteToHandler("GET", "/users/me/", ghttp.RespondWith(502, "bad gateway"))
	c := newClient(s.URL())
	var slept []time.Duration
	c.Wait = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	if ex := c.Do(ctx, Call{Method: "GET", Path: "/users/me/"}); ex.Attempts != 3 || ex.Status() != 502 {
		t.Fatalf("502 should be tried 3 times and kept as the answer: %+v", ex)
	}
	if len(slept) != 2 || slept[0] != 250*time.Millisecond || slept[1] != 500*time.Millisecond {
		t.Fatalf("backoff %v, want [250ms 500ms]", slept)
	}
	// A wait that would end after the run budget is not taken.
	slept = nil
	budget, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if ex := c.Do(budget, Call{Method: "GET", Path: "/users/me/"}); ex.Attempts != 1 || len(slept) != 0 {
		t.Fatalf("a retry past the run budget: %d attempts, slept %v", ex.Attempts, slept)
	}
}

func TestRateLimitFailsClearly(t *testing.T) {
	s := server(t)
	defer s.Close()
	s.RouteToHandler("GET", "/users/me/", ghttp.RespondWith(429, "", http.Header{"Retry-After": {"0"}}))
	s.RouteToHandler("POST", "/create/", ghttp.RespondWith(429, "", http.Header{"Retry-After": {"1"}}))
	c := newClient(s.URL())
	ex := c.Do(ctx, Call{Step: "me", Method: "GET", Path: "/users/me/"})
	if ex.Attempts != 3 || ex.Response != nil || !strings.Contains(ex.Err, "rate limited") || !strings.Contains(ex.Err, "gave up after 3 attempts") {
		t.Fatalf("a 429 that does not go away must fail, saying so: %+v", ex)
	}
	if ex.Summary() != ex.Err {
		t.Fatalf("checks print the summary, which must carry the reason: %q", ex.Summary())
	}
	ex = c.Do(ctx, Call{Step: "create", Method: "POST", Path: "/create/", Password: true})
	if ex.Attempts != 1 || ex.Response != nil || !strings.Contains(ex.Err, "a request carrying a password is never retried") {
		t.Fatalf("a log-in must not be retried after a 429: %+v", ex)
	}
}

// A connection that drops is retried, unless the request carried a password: the server may
// have counted the log-in before the connection went.
func TestDroppedConnections(t *testing.T) {
	s := server(t)
	defer s.Close()
	drop := func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	s.AppendHandlers(drop, ghttp.RespondWith(200, `{"id":1}`), drop)
	c := newClient(s.URL())
	if ex := c.Do(ctx, Call{Method: "GET", Path: "/users/me/"}); ex.Attempts != 2 || ex.Status() != 200 {
		t.Fatalf("a dropped GET should be retried once and succeed: %+v", ex)
	}
	ex := c.Do(ctx, Call{Method: "POST", Path: "/create/", Password: true})
	if ex.Attempts != 1 || ex.Response != nil || !strings.Contains(ex.Err, "connection closed") {
		t.Fatalf("a dropped log-in must not be retried: %+v", ex)
	}
	if n := len(s.ReceivedRequests()); n != 3 {
		t.Fatalf("%d requests reached the server, want 3", n)
	}
}

// Cancelling the caller's context ends a request in flight and a wait before a retry at once.
func TestCancelEndsRequestAndWait(t *testing.T) {
	silent := make(chan struct{})
	defer close(silent)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/busy/" {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		select {
		case <-silent:
		case <-r.Context().Done():
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	c := New("http://"+ln.Addr().String(), time.Minute)
	c.Retries = 5
	for _, path := range []string{"/silent/", "/busy/"} {
		stop, cancel := context.WithCancel(ctx)
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		ex := c.Do(stop, Call{Method: "GET", Path: path})
		took := time.Since(start)
		if took > 5*time.Second || !strings.Contains(ex.Err, "interrupted") || ex.Response != nil {
			t.Errorf("%s: cancelled after 100ms, took %s: %q %+v", path, took, ex.Err, ex.Response)
		}
		t.Logf("%s: a cancelled request ended after %s", path, took.Round(time.Millisecond))
	}
}
