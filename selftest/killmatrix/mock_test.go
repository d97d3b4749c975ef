// Package killmatrix_test proves that every clause of the suite can fail: it runs the compiled
// suite against the reference mock, clean and with each named fault, and checks that each fault
// fails exactly the clauses it declares. It also checks that the mock and the replica of the
// real stack get the same verdicts, and measures one suite run.
package killmatrix_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/mockserver"
)

// runTimeout bounds one suite run; a run against the in-process mock takes well under a second.
const runTimeout = time.Minute

// mockRun is one suite run against its own in-process mock: a fault such as refresh-single-use
// keeps state, so no two runs share a server.
type mockRun struct {
	res      *harness.Result
	requests int // what the server saw, from its own log
	elapsed  time.Duration
}

// runAgainstMock serves the mock on loopback for one suite run. env is added to the target's
// address and the mock's log-in; values in env win.
func runAgainstMock(ctx context.Context, dir string, opts mockserver.Options, env map[string]string) (*mockRun, error) {
	mock, err := mockserver.New(opts)
	if err != nil {
		return nil, err
	}
	srv := httptest.NewServer(mock)
	// Close waits out net/http's half-second linger on each connection it closed without
	// reading the whole body (the oversized-body specs do that); nothing here needs that wait.
	defer func() { go srv.Close() }()
	user := mockserver.DefaultUser()
	if len(opts.Users) > 0 {
		user = opts.Users[0]
	}
	all := map[string]string{"ZS_BASE_URL": srv.URL, "ZS_EMAIL": user.Email, "ZS_PASSWORD": user.Password}
	for k, v := range env {
		all[k] = v
	}
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	started := time.Now()
	res, err := harness.Run(ctx, dir, all)
	if err != nil {
		return nil, err
	}
	return &mockRun{res: res, requests: len(mock.Requests()), elapsed: time.Since(started)}, nil
}

// root returns the module root, failing the test or benchmark when it cannot be found.
func root(tb testing.TB) string {
	tb.Helper()
	dir, err := harness.Root()
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}
