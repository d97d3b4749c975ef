package auth_test

import . "github.com/onsi/ginkgo/v2"

// "Obtaining tokens": POST /v1/zonesmart/auth/jwt/create/ with {email, password}.
var _ = Describe("POST /v1/zonesmart/auth/jwt/create/ with the right email and password", func() {
	clause("CREATE-STATUS", "MUST answer 200")
	clause("CREATE-JSON", "MUST answer a JSON object with a JSON content type")
	clause("CREATE-SHAPE", `MUST carry "refresh" and "access" as strings`)
	clause("CREATE-FIELDS", `SHOULD carry no fields beyond "refresh" and "access"`)
	clause("JTI-DISTINCT", "MUST issue two tokens with different jti values")
})
