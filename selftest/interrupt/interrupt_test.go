// Package interrupt_test proves that an interrupt ends a run at once, even while a request is
// in flight to a server that never answers it, and that the output names the clause it cut.
package interrupt_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/helpers/negative"
	"github.com/zonesmart/jwt-conformance/mockserver"
)

// hangGuard only keeps a broken run from hanging the test; the figure that matters is logged.
const hangGuard = 5 * time.Second

// The mock answers the whole flow; one negative request (ME-GARBAGE's "JWT not-a-jwt") is never
// answered. SIGINT during that request must end the run within a second, naming the clause.
func TestInterruptDuringASilentRequest(t *testing.T) {
	mock, err := mockserver.New(mockserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hung := make(chan struct{}, 1)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "JWT "+negative.Garbage {
			select {
			case hung <- struct{}{}:
			default:
			}
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		mock.ServeHTTP(w, r)
	}))
	defer srv.Close()
	defer close(release)

	user := mockserver.DefaultUser()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// http.timeout is long, so only the interrupt can end the silent request.
	p, err := harness.Start(ctx, t.TempDir(), map[string]string{"ZS_BASE_URL": srv.URL, "ZS_EMAIL": user.Email,
		"ZS_PASSWORD": user.Password, "ZS_HTTP_TIMEOUT": "1m"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-hung:
	case <-time.After(time.Minute):
		_ = p.Signal(os.Kill)
		res, _ := p.Wait()
		t.Fatalf("the suite never sent the request the server holds; output:\n%s", res.Output)
	}
	sent := time.Now()
	if err := p.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	timer := time.AfterFunc(hangGuard, func() {
		select {
		case <-done:
		default:
			_ = p.Signal(os.Kill)
		}
	})
	defer timer.Stop()
	res, err := p.Wait()
	took := time.Since(sent)
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the run ended %s after SIGINT (exit status %d)", took.Round(time.Millisecond), res.ExitCode)
	for _, l := range strings.Split(res.Output, "\n") {
		if strings.Contains(l, "ME-GARBAGE") || strings.Contains(l, "Interrupted") {
			t.Log(strings.TrimSpace(l))
		}
	}
	if took > hangGuard {
		t.Errorf("the run took %s to end after SIGINT; it must end at once", took)
	}
	if res.ExitCode == 0 {
		t.Errorf("an interrupted run must not pass:\n%s", res.Output)
	}
	for _, want := range []string{"Interrupted by User", "clause:ME-GARBAGE", "ME-GARBAGE"} {
		if !strings.Contains(res.Output, want) {
			t.Errorf("the output does not name %q:\n%s", want, res.Output)
		}
	}
}
