package safety

import (
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/fixtures"
)

// Bounds of the hostile runs: small, so each ends quickly, and the run budget really bites.
const (
	hostileTimeout = 500 * time.Millisecond
	hostileBudget  = 4 * time.Second
	// startup, the summary and the reports come on top of the budget
	hostileSlack = 8 * time.Second
)

var victim = account{email: "qa@hostile.example", password: "hostile-password-61d0"}

// Every hostile target must end the run within its budget, never with a panic or a hang: with
// exit status 1 and a named failure, or, when nothing answers the log-in at all, exit 3 (could
// not test) with the one line that says why.
func TestHostileTargets(t *testing.T) {
	for _, tc := range []struct {
		mode    string
		clause  string // a clause that must fail ("" when the run could not test)
		message string // and words its failures, or its one could-not-test line, must carry
	}{
		{"down", "", "connection refused"},
		{"never-answers", "", "no answer within 500ms"},
		{"slow", "CREATE-JSON", "body is not JSON"},
		{"html-500", "CREATE-STATUS", "500 Internal Server Error"},
		{"truncated-json", "CREATE-JSON", "body is not JSON"},
		{"10-mib-body", "CREATE-JSON", "larger than the client reads"},
		{"jwt-not-base64", "TOKEN-JWS", "not unpadded base64url"},
		{"jwt-2-segments", "TOKEN-JWS", "has 2 dot-separated segments"},
		{"jwt-4-segments", "TOKEN-JWS", "has 4 dot-separated segments"},
		{"numeric-strings", "CLAIM-EXP", "not an integer"},
		{"redirect", "CREATE-STATUS", "307"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			var elsewhere atomic.Int64
			base := hostile(t, tc.mode, &elsewhere)
			env := target(base, victim)
			env["ZS_HTTP_TIMEOUT"] = hostileTimeout.String()
			env["ZS_RUN_BUDGET"] = hostileBudget.String()
			res, took := runSuite(t, hostileBudget+4*hostileSlack, env)

			if took > hostileBudget+hostileSlack {
				t.Errorf("the run took %s; its budget is %s", took.Round(time.Millisecond), hostileBudget)
			}
			want := 1
			if tc.clause == "" {
				want = 3
			}
			if res.ExitCode != want {
				t.Errorf("exit %d, want %d", res.ExitCode, want)
			}
			for _, bad := range []string{"panic", "goroutine "} {
				if strings.Contains(strings.ToLower(res.Output), bad) {
					t.Errorf("the output holds %q", bad)
				}
			}
			if tc.clause != "" && !strings.Contains(strings.Join(res.Failing(), " "), tc.clause) {
				t.Errorf("%s should fail; failing: %v", tc.clause, res.Failing())
			}
			if !strings.Contains(res.Output, tc.message) {
				t.Errorf("no failure says %q", tc.message)
			}
			if n := elsewhere.Load(); n > 0 {
				t.Errorf("the suite followed a redirect to another host %d times", n)
			}
			if t.Failed() {
				t.Logf("output:\n%s", res.Output)
			}
		})
	}
}

// hostile starts a server misbehaving in one way and returns its base URL. A redirect points
// at a second server that counts whatever reaches it.
func hostile(t *testing.T, mode string, elsewhere *atomic.Int64) string {
	t.Helper()
	switch mode {
	case "down":
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	case "never-answers":
		return silent(t)
	}
	other := serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		misbehave(w, r, mode, other)
	}))
}

// silent accepts connections and never reads or answers.
func silent(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

func misbehave(w http.ResponseWriter, r *http.Request, mode, other string) {
	isCreate := strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), "/jwt/create")
	switch mode {
	case "slow":
		// Headers at once, then a byte at a time, slower than any timeout allows.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		for i := 0; i < 100; i++ {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	case "html-500":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("<!doctype html><title>Server Error (500)</title><h1>Server Error (500)</h1>"))
	case "truncated-json":
		answer(w, http.StatusOK, `{"refresh": "`+fixtures.PageRefreshToken[:45])
	case "10-mib-body":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		chunk := []byte(strings.Repeat("A", 64<<10))
		_, _ = w.Write([]byte(`{"refresh":"`))
		for i := 0; i < (10<<20)/len(chunk); i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(`"}`))
	case "redirect":
		http.Redirect(w, r, other+r.URL.Path, http.StatusTemporaryRedirect)
	default:
		if isCreate {
			tok := weirdToken(mode)
			answer(w, http.StatusOK, `{"refresh":"`+tok+`","access":"`+tok+`"}`)
			return
		}
		if strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), "/users/me") && r.Header.Get("Authorization") != "" {
			// A number where the page shows one, sent as a string.
			answer(w, http.StatusOK, `{"id":"7","email":"`+victim.email+`"}`)
			return
		}
		answer(w, http.StatusUnauthorized, `{"detail":"Authentication credentials were not provided."}`)
	}
}

func answer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func weirdToken(mode string) string {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	header := seg(`{"typ":"JWT","alg":"HS256"}`)
	claims := seg(`{"token_type":"access","exp":"1999999999","jti":"` + strings.Repeat("a", 32) + `","user_id":"7","email":"` + victim.email + `"}`)
	switch mode {
	case "jwt-not-base64":
		return "eyJ!!not*base64.@@@.###"
	case "jwt-2-segments":
		return header + "." + claims
	case "jwt-4-segments":
		return header + "." + claims + ".c2ln.ZXh0cmE"
	}
	return header + "." + claims + ".c2lnbmF0dXJl"
}
