package auth

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
)

// "Using the refresh token": GET /auth/jwt/refresh/ with a JSON body {refresh} → {access}.
// If the documented method is refused with 405, REFRESH-METHOD says so and the other clauses
// are judged with the method the server's Allow header offers, so one deviation hides nothing.
var _ = Describe("GET /auth/jwt/refresh/ with a JSON body {refresh}", func() {
	clause(checks.RefreshMethod, "MUST be answered with the documented method, not 405")
	clause(checks.RefreshStatus, "MUST answer 200 with a JSON object")
	clause(checks.RefreshShape, `MUST carry "access" as a string`)
	clause(checks.RefreshFields, `SHOULD carry no fields beyond "access"`)
	clause(checks.RefreshJSON, "MUST answer with a JSON content type")
	clause(checks.RefreshJTIFresh, "MUST issue an access token with a jti never issued before")
	clause(checks.RefreshIdentity, "MUST issue an access token with the refresh token's identity claims")
	clause(checks.RefreshLifetime, "MUST issue an access token that expires 2 hours after the refresh")
	clause(checks.RefreshAccessWorks, "MUST issue an access token that GET /users/me/ accepts for the same user")
	clause(checks.RefreshReusable, "MUST answer a second refresh with the same refresh token with a new access token")
})
