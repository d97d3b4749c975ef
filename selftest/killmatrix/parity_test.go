package killmatrix_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/mockserver"
)

// TestReferenceMatchesTheReplica runs one configuration against the clean reference mock and
// against the replica of the real stack in doc-literal mode: the verdicts must agree clause for
// clause, or the mock is not the reference the kill matrix takes it for. The mock adds iat, as
// the replica's simplejwt 5.2 does, and signs with the replica's key.
func TestReferenceMatchesTheReplica(t *testing.T) {
	if ok, why := harness.ReplicaAvailable(); !ok {
		if os.Getenv("CI") != "" {
			t.Fatal(why)
		}
		t.Skip("parity with the replica not checked: " + why)
	}
	replica, err := harness.StartReplica(t.TempDir(), "doc-literal")
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Stop()

	// The default configuration, as a user runs it, plus the key so that keyed clauses are
	// compared too.
	env := map[string]string{
		"ZS_EMAIL":       replica.Env["ZS_EMAIL"],
		"ZS_PASSWORD":    replica.Env["ZS_PASSWORD"],
		"ZS_SIGNING_KEY": replica.Env["ZS_SIGNING_KEY"],
	}
	user := mockserver.DefaultUser()
	user.Email, user.Password = env["ZS_EMAIL"], env["ZS_PASSWORD"]
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	mock, err := runAgainstMock(ctx, t.TempDir(), mockserver.Options{
		SigningKey: []byte(env["ZS_SIGNING_KEY"]),
		IssuedAt:   true,
		Users:      []mockserver.User{user},
	}, env)
	if err != nil {
		t.Fatal(err)
	}
	real, err := harness.Run(ctx, t.TempDir(), replica.With(env))
	if err != nil {
		t.Fatal(err)
	}

	mockVerdicts, realVerdicts := mock.res.Kinds(), real.Kinds()
	var differences []string
	for _, c := range mock.res.Summary.Clauses {
		if m, r := mockVerdicts[c.ID], realVerdicts[c.ID]; m != r {
			differences = append(differences, fmt.Sprintf("%s: mock %s, replica %s", c.ID, m, r))
		}
	}
	if len(differences) > 0 {
		t.Errorf("the reference mock and the doc-literal replica disagree:\n  %s", strings.Join(differences, "\n  "))
	}
	if mock.res.ExitCode != real.ExitCode {
		t.Errorf("exit %d against the mock, %d against the replica", mock.res.ExitCode, real.ExitCode)
	}
	t.Logf("%d clauses agree: %v (mock) vs %v (replica)", len(mock.res.Summary.Clauses), mock.res.Summary.Counts, real.Summary.Counts)
}
