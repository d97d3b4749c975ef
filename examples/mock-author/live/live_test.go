// Package live_test runs the conformance suite against a deployed server, such as staging:
// the test reads the server and its account from the environment and skips without them.
package live_test

import (
	"os"
	"testing"

	"github.com/zonesmart/jwt-conformance/conformance"
)

func TestDeployedServerConforms(t *testing.T) {
	target := conformance.Target{
		BaseURL:    os.Getenv("ZS_BASE_URL"),
		Email:      os.Getenv("ZS_EMAIL"),
		Password:   os.Getenv("ZS_PASSWORD"),
		SigningKey: os.Getenv("ZS_SIGNING_KEY"),
	}
	if target.BaseURL == "" {
		t.Skip("set ZS_BASE_URL, ZS_EMAIL, ZS_PASSWORD (and ZS_SIGNING_KEY) to test a deployed server")
	}
	conformance.Run(t, target)
}
