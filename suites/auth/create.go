package auth

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
)

// "Obtaining tokens": POST /v1/zonesmart/auth/jwt/create/ with {email, password}.
var _ = Describe("POST /v1/zonesmart/auth/jwt/create/ with the right email and password", func() {
	clause(checks.CreateStatus, "MUST answer 200")
	clause(checks.CreateJSON, "MUST answer a JSON object with a JSON content type")
	clause(checks.CreateShape, `MUST carry "refresh" and "access" as strings`)
	clause(checks.CreateFields, `SHOULD carry no fields beyond "refresh" and "access"`)
	clause(checks.JTIDistinct, "MUST issue two tokens with different jti values")
})
