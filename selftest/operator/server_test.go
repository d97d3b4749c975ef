package operator

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/mockserver"
)

// The account of every live run here: the reference server's sample account.
var account = mockserver.DefaultUser()

const signingKey = mockserver.DefaultSigningKey

const createPath = "/v1/zonesmart/auth/jwt/create/"

// counting is the reference server behind a counter of log-ins per account: how many carried
// the account's right password and how many another, and every request.
type counting struct {
	mu       sync.Mutex
	requests int
	right    map[string]int
	wrong    map[string]int
	// cut, once the log-in has succeeded, drops the connection of every request after the
	// first cutAfter: an environment that fails in the middle of a run.
	cutAfter int
	next     http.Handler
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	c.mu.Lock()
	c.requests++
	n := c.requests
	if r.URL.Path == createPath {
		var creds struct{ Email, Password string }
		if json.Unmarshal(body, &creds) == nil && creds.Email != "" {
			if creds.Password == account.Password {
				c.right[creds.Email]++
			} else {
				c.wrong[creds.Email]++
			}
		}
	}
	c.mu.Unlock()
	if c.cutAfter > 0 && n > c.cutAfter {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
	}
	c.next.ServeHTTP(w, r)
}

func (c *counting) wrongLogIns() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wrong[account.Email]
}

func (c *counting) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests
}

// serve starts the reference server, with faults switched on, behind a counter.
func serve(t *testing.T, faults ...string) (*counting, string) {
	t.Helper()
	m, err := mockserver.New(mockserver.Options{Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	c := &counting{right: map[string]int{}, wrong: map[string]int{}, next: m}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return c, srv.URL
}

// live is the environment of a live run against url as the sample account.
func live(url, password string, extra ...string) map[string]string {
	env := map[string]string{"ZS_BASE_URL": url, "ZS_EMAIL": account.Email, "ZS_PASSWORD": password, "ZS_SIGNING_KEY": signingKey}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

// closedPort is a loopback address with nothing listening.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func lines(s string) []string {
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}

// flowRequests is how many requests the documented flow sends to the reference mock: every step
// but the refresh fallback, which only a 405 calls for.
var flowRequests = len(flow.Steps) - 1
