// The mock's conformance test. It is the only test of this package: Ginkgo, which runs the
// suite, allows one suite per test binary.
package mock_test

import (
	"os"
	"testing"

	"github.com/zonesmart/jwt-conformance/conformance"

	"example.com/mock-author/mock"
)

func TestConformance(t *testing.T) {
	account := conformance.Account{Email: "qa@example.com", Password: "correct horse battery staple", SigningKey: "mock-author-signing-key"}
	handler := mock.New(mock.Options{
		Email: account.Email, Password: account.Password, SigningKey: []byte(account.SigningKey),
		// MOCK_AUTHOR_FAULT=refresh-as-access switches the deliberate bug on, to see a failure.
		AcceptRefreshAsAccess: os.Getenv("MOCK_AUTHOR_FAULT") == "refresh-as-access",
	})
	conformance.RunHandler(t, handler, account)
}
