// The preflight: a live target is reachable and its log-in is accepted before any spec runs;
// when not, the run could not test, says why in one line and sends nothing more.

package auth

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/zonesmart/jwt-conformance/helpers/flow"
)

// Preflight proves a live target reachable (resolve, connect, TLS handshake; no HTTP request)
// before Ginkgo starts. If it is not, the run ends here: one line naming what failed and the
// setting that fixes it, the reports and verdicts.json of a run that could not test, and
// false. Run calls it when the suite runs in one process; a door that starts the suite's
// processes itself (ginkgo -p) calls it first. Offline, it has nothing to prove.
func Preflight() bool {
	r := suite
	if r == nil || r.cfg.Offline() || r.preflown {
		return true
	}
	ctx, cancel := context.WithDeadline(context.Background(), r.budgetEnd)
	problem := r.preflight(ctx)
	cancel()
	if problem == "" {
		r.preflown = true
		return true
	}
	r.problem = r.redactor.String(problem)
	r.out.Printf("%s", r.problem)
	now := time.Now()
	suiteConfig, _ := GinkgoConfiguration()
	r.summarize(Report{StartTime: now, EndTime: now, SuiteConfig: suiteConfig})
	r.out.Printf("%s", r.verdictLine())
	return false
}

// preflight proves the target reachable before any spec: one resolve, connect and TLS
// handshake with the client's own TLS settings, and no HTTP request. It returns the one line
// that says what failed and which setting fixes it, or "".
func (r *run) preflight(ctx context.Context) string {
	u, err := url.Parse(r.cfg.BaseURL)
	if err != nil || u.Host == "" {
		return "could not test: target.base_url names no host: check ZS_BASE_URL"
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = map[string]string{"https": "443"}[u.Scheme]
		if port == "" {
			port = "80"
		}
	}
	addr := net.JoinHostPort(host, port)
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			return fmt.Sprintf("could not test: the name %s does not resolve (%v); check ZS_BASE_URL (target.base_url)", host, dnsErr.Err)
		}
		return fmt.Sprintf("could not test: nothing answers at %s (%v); check ZS_BASE_URL (target.base_url), or start the server", addr, rootCause(err))
	}
	defer conn.Close()
	if u.Scheme != "https" {
		return ""
	}
	tlsCfg, err := r.cfg.TLSConfig()
	if err != nil {
		return "could not test: " + err.Error() + "; check ZS_TLS_CA_FILE (tls.ca_file)"
	}
	tlsCfg.ServerName = host
	tc := tls.Client(conn, tlsCfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return fmt.Sprintf("could not test: the TLS handshake with %s failed (%v); trust its CA with ZS_TLS_CA_FILE (tls.ca_file), or check ZS_BASE_URL", addr, rootCause(err))
	}
	return ""
}

// rootCause is an error without the operation and address net wraps around it, which the
// line around it already names.
func rootCause(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// maxAnswer bounds the body quoted in a refused log-in's line.
const maxAnswer = 200

// loginProblem is the one line a live run ends on when the flow's log-in got no answer or was
// refused (4xx): nothing else can be tested without the account's tokens, and every further
// wrong-password log-in could lock it.
func (r *run) loginProblem(f *flow.Flow) string {
	if r.fixtures != nil {
		return ""
	}
	ex := f.Exchanges[flow.Create]
	if f.Fatal != "" || ex == nil || ex.Response == nil {
		why := f.Fatal
		if why == "" && ex != nil {
			why = ex.Err
		}
		return fmt.Sprintf("could not test: the log-in as %s got no answer (%s); check ZS_BASE_URL", r.cfg.Email, why)
	}
	// A 4xx is the account refused; any other answer (a 5xx, a 200 without tokens) is the
	// target's own failure, which its clauses judge.
	status := ex.Response.Status
	if status >= 400 && status < 500 {
		body := strings.Join(strings.Fields(r.redactor.String(string(ex.Response.Body))), " ")
		if len(body) > maxAnswer {
			body = body[:maxAnswer] + "…"
		}
		return fmt.Sprintf("could not test: the log-in as %s was refused: %d %s; check ZS_EMAIL / ZS_PASSWORD", r.cfg.Email, status, body)
	}
	return ""
}

// couldNotTest ends the run before its clauses: the one line, then every spec is skipped (a
// skipped set-up skips the whole tree on every process) and nothing more is sent.
func (r *run) couldNotTest(problem string) {
	r.problem = r.redactor.String(problem)
	r.out.Printf("%s", r.problem)
	r.out.Skip(r.problem)
}
