package conformance_test

import (
	"net/http"
	"testing"

	"github.com/zonesmart/jwt-conformance/conformance"
)

// A mock's conformance test, in a package of its own (say mymock/conformance_test), since
// Ginkgo runs one suite per test binary.
func ExampleRunHandler() {
	var newMock func() http.Handler // the mock under test

	testConformance := func(t *testing.T) {
		conformance.RunHandler(t, newMock(), conformance.Account{
			Email: "qa@example.com", Password: "secret", SigningKey: "the-mock's-hs256-key",
		})
	}
	_ = testConformance
}

// A server that is already running, such as a staging deployment, with a setting of the
// README's configuration table.
func ExampleRun() {
	testStaging := func(t *testing.T) {
		conformance.Run(t, conformance.Target{
			BaseURL: "https://staging.example.com", Email: "qa@example.com", Password: "secret",
			Settings: map[string]string{"ZS_REFRESH_METHOD": "POST"},
		})
	}
	_ = testStaging
}
