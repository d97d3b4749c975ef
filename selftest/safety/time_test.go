package safety

import (
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/verdict"
	"github.com/zonesmart/jwt-conformance/mockserver"
)

// A server's Date may widen the window in which its tokens were issued by at most
// clock.max_server_offset. A server whose clock runs 30 days ahead hands out tokens that, by
// our clock, live 30 days and 2 hours: the unbounded window passed them on every clause.
func TestServerClockIsJudgedHonestly(t *testing.T) {
	const month = 30 * 24 * time.Hour
	for _, tc := range []struct {
		name    string
		ahead   time.Duration
		env     map[string]string
		exit    int
		failing []string // clauses that must fail
		warning string   // what the output must say; "" means no clock warning at all
	}{
		{name: "30 days ahead", ahead: month, exit: 1, failing: []string{"LIFETIME-ACCESS", "LIFETIME-REFRESH"},
			warning: "the server's clock is 30d ahead of ours, more than clock.skew (30s): lifetimes were judged by our clock alone"},
		{name: "30 days ahead within a widened bound", ahead: month, env: map[string]string{"ZS_MAX_SERVER_OFFSET": "744h"}, exit: 0,
			warning: "the server's clock is 30d ahead of ours, more than clock.skew (30s): lifetimes were judged by its Date"},
		{name: "5 minutes ahead", ahead: 5 * time.Minute, exit: 0,
			warning: "the server's clock is 5m00s ahead of ours, more than clock.skew (30s): lifetimes were judged by its Date"},
		{name: "in step", exit: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, err := mockserver.New(mockserver.Options{
				Clock: func() time.Time { return time.Now().Add(tc.ahead) },
				Users: []mockserver.User{{ID: 7, Email: victim.email, Password: victim.password, Username: "qa"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			env := target(serve(t, srv), victim)
			for k, v := range tc.env {
				env[k] = v
			}
			res, _ := runSuite(t, 2*time.Minute, env)
			if res.ExitCode != tc.exit {
				t.Errorf("exit %d, want %d; failing: %v", res.ExitCode, tc.exit, res.Failing())
			}
			kinds := res.Kinds()
			for _, id := range tc.failing {
				if kinds[id] != verdict.Fail {
					t.Errorf("%s is %q, want fail", id, kinds[id])
				}
			}
			if tc.exit == 0 && kinds["LIFETIME-ACCESS"] != verdict.Pass {
				t.Errorf("LIFETIME-ACCESS is %q, want pass", kinds["LIFETIME-ACCESS"])
			}
			switch {
			case tc.warning == "" && strings.Contains(res.Output, "server's clock"):
				t.Errorf("a server in step with us is no reason to warn")
			case tc.warning != "" && !strings.Contains(res.Output, "warning: "+tc.warning):
				t.Errorf("the output should warn %q", tc.warning)
			}
			if len(tc.failing) > 0 && !strings.Contains(res.Output, "judged by our clock alone: the server's clock is 30d ahead of ours") {
				t.Errorf("the failure should name the skew it was judged under")
			}
			if t.Failed() {
				t.Logf("output:\n%s", res.Output)
			}
		})
	}
}
