package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// MaxBody is the most of an answer the client reads: enough for any auth answer, and a
// hostile 10 MiB body cannot exhaust memory or time.
const MaxBody = 1 << 20

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

	requests atomic.Int64
}

// New returns a client for base with the given bounds.
func New(base string, timeout time.Duration) *Client {
	return &Client{
		Base:    base,
		HTTP:    &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone(), CheckRedirect: noRedirects},
		Timeout: timeout,
		Now:     time.Now,
		Wait:    wait,
	}
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
		ex.Err = fmt.Sprintf("cannot build the request: %v", err)
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
		ex.Err = describe(err, ex.Request.URL, timeout)
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
		ex.Err = fmt.Sprintf("answer cut off while reading its body: %s", describe(err, ex.Request.URL, timeout))
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
	ex.Err = fmt.Sprintf("rate limited: 429 Too Many Requests with Retry-After %q; %s", ex.Response.Header.Get("Retry-After"), why)
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

// describe turns a transport error into one line a user can act on.
func describe(err error, target string, timeout time.Duration) string {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Sprintf("no answer within %s from %s (raise http.timeout / ZS_HTTP_TIMEOUT if the server is just slow)", timeout, target)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("target unreachable: connection refused at %s (is ZS_BASE_URL right and the server up?)", target)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("target unreachable: cannot resolve host %q (check ZS_BASE_URL)", dnsErr.Name)
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
