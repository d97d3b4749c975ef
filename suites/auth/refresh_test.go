package auth_test

import . "github.com/onsi/ginkgo/v2"

// "Using the refresh token": GET /auth/jwt/refresh/ with a JSON body {refresh} → {access}.
// If the documented method is refused with 405, REFRESH-METHOD says so and the other clauses
// are judged with the method the server's Allow header offers, so one deviation hides nothing.
var _ = Describe("GET /auth/jwt/refresh/ with a JSON body {refresh}", func() {
	clause("REFRESH-METHOD", "MUST be answered with the documented method, not 405")
	clause("REFRESH-STATUS", "MUST answer 200 with a JSON object")
	clause("REFRESH-SHAPE", `MUST carry "access" as a string`)
	clause("REFRESH-FIELDS", `SHOULD carry no fields beyond "access"`)
	clause("REFRESH-JTI-FRESH", "MUST issue an access token with a jti never issued before")
	clause("REFRESH-IDENTITY", "MUST issue an access token with the refresh token's identity claims")
	clause("REFRESH-LIFETIME", "MUST issue an access token that expires 2 hours after the refresh")
	clause("REFRESH-ACCESS-WORKS", "MUST issue an access token that GET /users/me/ accepts for the same user")
	clause("REFRESH-REUSABLE", "MUST answer a second refresh with the same refresh token with a new access token")
})
