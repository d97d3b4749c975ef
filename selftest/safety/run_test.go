package safety

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/mockserver"
)

// slots keeps at most two suite runs going at once: the package must stay quick on two cores.
var slots = make(chan struct{}, 2)

// runSuite runs the compiled suite with env, bounded by limit so that a hang fails the test
// instead of stalling it.
func runSuite(t *testing.T, limit time.Duration, env map[string]string) (*harness.Result, time.Duration) {
	t.Helper()
	if _, err := harness.Binary(); err != nil {
		t.Fatal(err)
	}
	slots <- struct{}{}
	defer func() { <-slots }()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	start := time.Now()
	res, err := harness.Run(ctx, t.TempDir(), env)
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("the run was still going after %s: it hangs", limit)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, output(res))
	}
	return res, took
}

func output(res *harness.Result) string {
	if res == nil {
		return ""
	}
	return res.Output
}

// account is the one account of a test server.
type account struct{ email, password string }

// mock serves the reference implementation for one account, signing with key.
func mock(t *testing.T, acct account, key string, faults ...string) *mockserver.Server {
	t.Helper()
	s, err := mockserver.New(mockserver.Options{
		SigningKey: []byte(key),
		Users:      []mockserver.User{{ID: 7, Email: acct.email, Password: acct.password, Username: "qa"}},
		Faults:     faults,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// recorder sits in front of a server and keeps what the suite sent: every method, and every
// log-in that could not succeed.
type recorder struct {
	next http.Handler
	acct account

	mu             sync.Mutex
	methods        map[string]int
	requests       int
	wrongPasswords int // the account's email with another password
	otherFailed    int // another email with a password
}

func record(next http.Handler, acct account) *recorder {
	return &recorder{next: next, acct: acct, methods: map[string]int{}}
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))
	var login map[string]any
	_ = json.Unmarshal(body, &login)
	email, hasEmail := login["email"].(string)
	password, hasPassword := login["password"].(string)
	rec.mu.Lock()
	rec.requests++
	rec.methods[r.Method]++
	if hasEmail && hasPassword {
		switch {
		case email == rec.acct.email && password != rec.acct.password:
			rec.wrongPasswords++
		case email != rec.acct.email:
			rec.otherFailed++
		}
	}
	rec.mu.Unlock()
	rec.next.ServeHTTP(w, r)
}

// serve starts h on loopback for the test's lifetime.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}

// target is the environment of a live run against base as acct.
func target(base string, acct account) map[string]string {
	return map[string]string{"ZS_BASE_URL": base, "ZS_EMAIL": acct.email, "ZS_PASSWORD": acct.password}
}
