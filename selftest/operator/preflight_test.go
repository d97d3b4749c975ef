package operator

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/helpers/verdicts"
)

// A certificate the client does not trust: the preflight's handshake fails, the line names
// tls.ca_file, no HTTP request is sent, exit 3.
func TestAnUntrustedCertificateCouldNotTest(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1) }))
	t.Cleanup(srv.Close)
	for _, d := range []door{cli, binary} {
		t.Run(d.name, func(t *testing.T) {
			res := run(t, d, live(srv.URL, account.Password))
			if res.ExitCode != 3 || outcome(res) != verdicts.OutcomeCouldNotTest {
				t.Fatalf("exit %d, outcome %q; want 3, could-not-test\n%s", res.ExitCode, outcome(res), res.Output)
			}
			if !strings.Contains(res.Output, "TLS handshake") || !strings.Contains(res.Output, "ZS_TLS_CA_FILE (tls.ca_file)") {
				t.Errorf("the output does not name the handshake and tls.ca_file:\n%s", res.Output)
			}
			if n := len(lines(res.Output)); n >= 15 {
				t.Errorf("%d lines:\n%s", n, res.Output)
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d HTTP requests reached a server whose certificate failed", n)
	}
}

// A socket that accepts and never answers: the log-in gets no answer, and the run stops there,
// exit 3, in a few lines.
func TestASilentSocketCouldNotTest(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	for _, d := range doors {
		t.Run(d.name, func(t *testing.T) {
			res := run(t, d, live("http://"+l.Addr().String(), account.Password, "ZS_HTTP_TIMEOUT", "500ms"))
			if res.ExitCode != 3 || !strings.Contains(res.Output, "could not test: the log-in as "+account.Email+" got no answer") {
				t.Fatalf("exit %d; want 3 and the log-in's line\n%s", res.ExitCode, res.Output)
			}
			if n := len(lines(res.Output)); n >= 30 {
				t.Errorf("%d lines for one cause:\n%s", n, res.Output)
			}
		})
	}
}

// An interrupt in the middle of a run breaks the clause it stopped: that says nothing of the
// target, so the run is broken, exit 3, not a failure.
func TestAnInterruptMidRunIsBroken(t *testing.T) {
	m, url := serve(t)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.total() > flowRequests {
			time.Sleep(3 * time.Second) // the specs' own requests: time to be interrupted
		}
		m.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(slow)
	t.Cleanup(srv.Close)
	_ = url
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := harness.Start(ctx, t.TempDir(), live(srv.URL, account.Password))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for m.total() <= flowRequests+1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := p.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	res, err := p.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 3 {
		t.Errorf("exit %d after an interrupt, want 3\n%s", res.ExitCode, res.Output)
	}
	broken := 0
	for _, c := range res.Summary.Clauses {
		if c.Verdict == verdicts.Broken {
			broken++
		}
	}
	if broken == 0 || len(res.Failing()) > 0 {
		t.Errorf("%d broken and failing %v; want the interrupted clause broken and none failed\n%s", broken, res.Failing(), res.Output)
	}
}
