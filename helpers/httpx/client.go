package httpx

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
)

// MaxBody is the most of an answer the client reads: enough for any auth answer, and a
// hostile 10 MiB body cannot exhaust memory or time.
const MaxBody = 1 << 20

// DefaultMaxHeaderBytes caps the response headers of a client made by New, the way
// http.max_header_bytes does for a run's: Go's own default is 10 MiB, and 9 MB of headers on
// every answer turned a 20 s run into 83 s and 1.36 GB of memory.
const DefaultMaxHeaderBytes = 64 << 10

// MaxMessage is the most characters of any one message the client makes of an exchange (an
// error, a summary, a header line of a transcript): a hostile answer cannot grow the reports.
const MaxMessage = 500

// maxQuoted is the most of a server-chosen text that a message quotes unquoted by Go (the
// names a certificate is valid for): the advice after it must survive MaxMessage.
const maxQuoted = 120

// Client sends the suite's requests. It never follows redirects (a redirect must not carry
// credentials elsewhere), bounds every request, and counts what it sends. Every request runs
// under its caller's context: cancelling it (an interrupt, Ginkgo's timeout) ends the request in
// flight and any wait before a retry, and the context's deadline is the run budget.
type Client struct {
	Base          string
	HTTP          *http.Client
	Timeout       time.Duration
	Retries       int
	MaxRetryAfter time.Duration
	Now           func() time.Time
	// Wait waits d before a retry, or returns early with the context's error.
	Wait func(ctx context.Context, d time.Duration) error

	// Observe sees every exchange: the suite registers tokens with the redactor here.
	Observe func(*Exchange)
	// Times, when set, supplies the recorded instants of a replayed answer instead of our
	// clock (zero instants when the fixture records none).
	Times func(*http.Response) (sent, received time.Time, ok bool)
	// Redactor renders transport errors, which quote the server's bytes: masked, and each
	// quoted string cut to redact.DefaultBound characters. nil masks tokens by their shape only.
	Redactor *redact.Redactor

	// maxHeaderBytes is the transport's cap on response headers, for the error that names it.
	maxHeaderBytes int64
	requests       atomic.Int64
}

// New returns a client for base with the given bounds. Its transport is a clone of
// http.DefaultTransport, so it honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY
// (http.ProxyFromEnvironment), with response headers capped at DefaultMaxHeaderBytes.
func New(base string, timeout time.Duration) *Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxResponseHeaderBytes = DefaultMaxHeaderBytes
	return &Client{
		Base:           base,
		HTTP:           &http.Client{Transport: t, CheckRedirect: noRedirects},
		Timeout:        timeout,
		Now:            time.Now,
		Wait:           wait,
		maxHeaderBytes: DefaultMaxHeaderBytes,
	}
}

// NewFor returns the client a run of cfg sends its requests to base with: cfg's timeout,
// retries, TLS settings (tls.ca_file, tls.insecure_skip_verify) and response-header cap
// (http.max_header_bytes), rendering transport errors through r. The error is one line naming
// the key to fix.
func NewFor(base string, cfg *config.Config, r *redact.Redactor) (*Client, error) {
	tlsConfig, err := cfg.TLSConfig()
	if err != nil {
		return nil, err
	}
	c := New(base, cfg.Timeout)
	c.Retries, c.MaxRetryAfter, c.Redactor = cfg.Retries, cfg.MaxRetryAfter, r
	t := c.HTTP.Transport.(*http.Transport)
	t.TLSClientConfig = tlsConfig
	if cfg.MaxHeaderBytes > 0 {
		t.MaxResponseHeaderBytes, c.maxHeaderBytes = cfg.MaxHeaderBytes, cfg.MaxHeaderBytes
	}
	return c, nil
}

// bound renders a message made of an exchange: redacted, every string it quotes cut to a few
// dozen characters, and the whole cut to MaxMessage.
func (c *Client) bound(msg string) string {
	return Clip(c.redactor().Bound(msg, redact.DefaultBound), MaxMessage)
}

// shown is server-chosen text inside a message: redacted first, so that a cut cannot leave
// part of a secret readable, then cut to maxQuoted characters.
func (c *Client) shown(v any) string {
	return Clip(c.redactor().String(fmt.Sprint(v)), maxQuoted)
}

func (c *Client) redactor() *redact.Redactor {
	if c.Redactor == nil {
		return redact.New()
	}
	return c.Redactor
}

// Clip cuts s to at most n characters, saying how much was left out: for any server text a
// message shows (a header value, a status line).
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i, k := 0, 0
	for i < len(s) && k < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		k++
	}
	if i >= len(s) {
		return s
	}
	return fmt.Sprintf("%s… (%d more bytes)", s[:i], len(s)-i)
}

// wait sleeps d unless ctx ends first.
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Requests returns how many HTTP requests were sent, retries included.
func (c *Client) Requests() int64 { return c.requests.Load() }

// Call describes one request to send.
type Call struct {
	Step   string
	Method string
	Path   string
	Header http.Header
	Body   []byte
	// Password marks a request that carries a password: it is never retried, not even after a
	// 429, so a flaky network or a throttle cannot turn into extra log-in attempts (a lost
	// answer may belong to a log-in the server counted). Tokens do not count as credentials
	// here: a token cannot lock an account, and resending one changes nothing the suite judges.
	Password bool
}

// allowedMethods are the only methods the suite sends: /users/me/ also takes PUT, PATCH and
// DELETE, and DELETE with the password deletes the account.
var allowedMethods = map[string]bool{http.MethodGet: true, http.MethodPost: true}

// Do sends the call under ctx and returns its exchange; it never returns an error, the exchange
// holds it.
func (c *Client) Do(ctx context.Context, call Call) *Exchange {
	ex := &Exchange{Step: call.Step, Request: Request{Method: call.Method, URL: c.Base + call.Path, Header: call.Header.Clone(), Body: call.Body}}
	if !allowedMethods[call.Method] {
		ex.Err = fmt.Sprintf("refused to send %s: the suite sends only GET and POST, never a call that could change or delete data", call.Method)
		return ex
	}
	for {
		ex.Attempts++
		retry, wait := c.once(ctx, ex)
		if !retry {
			break
		}
		why := ""
		switch {
		case call.Password:
			why = "a request carrying a password is never retried"
		case ex.Attempts > c.Retries:
			why = fmt.Sprintf("gave up after %d attempts (http.retries, ZS_HTTP_RETRIES)", ex.Attempts)
		case budgetEndsWithin(ctx, c.Now(), wait):
			why = "no run budget left to wait (http.run_budget, ZS_RUN_BUDGET)"
		}
		if why != "" {
			rateLimited(ex, why)
			break
		}
		if err := c.Wait(ctx, wait); err != nil {
			// The run ended while waiting to retry: the last answer was one to retry, not judge.
			ex.Err = stopped(ctx, ex.Request.URL)
			ex.Response = nil
			break
		}
	}
	if c.Observe != nil {
		c.Observe(ex)
	}
	return ex
}

// once sends one attempt and says whether a retry may help, and after how long.
func (c *Client) once(ctx context.Context, ex *Exchange) (bool, time.Duration) {
	ex.Response, ex.Err = nil, ""
	if ctx.Err() != nil {
		ex.Err = stopped(ctx, ex.Request.URL)
		return false, 0
	}
	timeout := c.Timeout
	if dl, ok := ctx.Deadline(); ok {
		left := dl.Sub(c.Now())
		if left <= 0 {
			ex.Err = budgetSpent
			return false, 0
		}
		if left < timeout {
			timeout = left
		}
	}
	caller := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, ex.Request.Method, ex.Request.URL, bytes.NewReader(ex.Request.Body))
	if err != nil {
		ex.Err = c.bound(fmt.Sprintf("cannot build the request: %v", err))
		return false, 0
	}
	req.Header = ex.Request.Header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	c.requests.Add(1)
	ex.Sent = c.Now()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		ex.Received = c.Now()
		if caller.Err() != nil {
			// The caller's context ended (an interrupt, the run budget), not this request's own
			// timeout: say so, and never retry.
			ex.Err = stopped(caller, ex.Request.URL)
			return false, 0
		}
		ex.Err = c.bound(c.describe(err, ex.Request.URL, timeout))
		return retryable(err), backoff(ex.Attempts)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	ex.Received = c.Now()
	if c.Times != nil {
		// A replay's "now" is the fixture's, never the wall clock: zero when it has none.
		ex.Sent, ex.Received, _ = c.Times(resp)
	}
	ex.Response = &Response{Status: resp.StatusCode, Header: resp.Header.Clone(), Body: body}
	if len(body) > MaxBody {
		ex.Response.Body, ex.Response.Truncated = body[:MaxBody], true
	}
	if err != nil && !ex.Response.Truncated {
		ex.Err = c.bound("answer cut off while reading its body: " + c.describe(err, ex.Request.URL, timeout))
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, backoff(ex.Attempts)
	case http.StatusTooManyRequests:
		wait, ok := retryAfter(resp.Header.Get("Retry-After"), c.Now())
		if !ok || wait > c.MaxRetryAfter {
			rateLimited(ex, fmt.Sprintf("longer than http.max_retry_after (%s) allows; run again later or raise ZS_MAX_RETRY_AFTER", c.MaxRetryAfter))
			return false, 0
		}
		return true, wait
	}
	return false, 0
}

// rateLimited turns a 429 the client gives up on into a failure that says so: a throttled
// request was not answered, and judging its 429 as the server's answer would mislead.
func rateLimited(ex *Exchange, why string) {
	if ex.Response == nil || ex.Response.Status != http.StatusTooManyRequests {
		return
	}
	ex.Err = fmt.Sprintf("rate limited: 429 Too Many Requests with Retry-After %q; %s", Clip(ex.Response.Header.Get("Retry-After"), redact.DefaultBound), why)
	ex.Response = nil
}

const budgetSpent = "run budget spent: no time left for this request (raise http.run_budget / ZS_RUN_BUDGET)"

// budgetEndsWithin reports whether the run budget (ctx's deadline) ends within d of now.
func budgetEndsWithin(ctx context.Context, now time.Time, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return ok && now.Add(d).After(dl)
}

// stopped says why a request under an ended context was not answered.
func stopped(ctx context.Context, target string) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return budgetSpent
	}
	return fmt.Sprintf("interrupted (%v) before %s answered", context.Cause(ctx), target)
}

func backoff(attempt int) time.Duration { return time.Duration(250<<(attempt-1)) * time.Millisecond }

func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return time.Second, true
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// retryable: connection-level failures only. A timeout is not retried: the server may have
// acted on the request, and waiting again would blow the budget.
func retryable(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)
}

// describe turns a transport error into one line a user can act on. It keeps the error's
// class; bound then cuts the server bytes it quotes.
func (c *Client) describe(err error, target string, timeout time.Duration) string {
	var (
		dnsErr      *net.DNSError
		unknownCA   x509.UnknownAuthorityError
		wrongHost   x509.HostnameError
		invalidCert x509.CertificateInvalidError
		notTLS      tls.RecordHeaderError
	)
	target = redact.URL(target)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Sprintf("no answer within %s from %s (raise http.timeout / ZS_HTTP_TIMEOUT if the server is just slow)", timeout, target)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("target unreachable: connection refused at %s (is ZS_BASE_URL right and the server up?)", target)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("target unreachable: cannot resolve host %q (check ZS_BASE_URL)", dnsErr.Name)
	case strings.Contains(err.Error(), "server response headers exceeded") || strings.Contains(err.Error(), "response header list larger than"):
		// Go's transport has no error value for it (HTTP/1 and HTTP/2 each have their text).
		return fmt.Sprintf("the answer's headers from %s are larger than http.max_header_bytes (%d bytes) allows; raise ZS_MAX_HEADER_BYTES if they are legitimate", target, c.maxHeaderBytes)
	case errors.As(err, &unknownCA):
		return fmt.Sprintf("TLS: the certificate of %s is signed by an authority this system does not trust (%s); set tls.ca_file / ZS_TLS_CA_FILE to a PEM file of its CA", target, c.shown(unknownCA))
	case errors.As(err, &wrongHost):
		return fmt.Sprintf("TLS: the certificate of %s is not for its host (%s); check the host in ZS_BASE_URL", target, c.shown(wrongHost))
	case errors.As(err, &invalidCert):
		return fmt.Sprintf("TLS: the certificate of %s is not valid (%s); the server must renew it, or set tls.ca_file / ZS_TLS_CA_FILE", target, c.shown(invalidCert))
	case errors.As(err, &notTLS):
		return fmt.Sprintf("TLS: %s does not answer in TLS; use http:// in ZS_BASE_URL if the server speaks plain HTTP", target)
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("connection closed by %s before a complete answer", target)
	}
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			err = inner
		}
	}
	return fmt.Sprintf("request to %s failed: %v", target, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
