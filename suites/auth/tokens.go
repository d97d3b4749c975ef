package auth

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
)

// What every token shows on the page: an HS256 JWT with nine claims, and the lifetimes of
// "Token lifetimes" (access 2 hours, refresh 90 days).
var _ = Describe("Every issued token (create's pair and each refreshed access token)", func() {
	clause(checks.TokenJWS, "MUST be a compact JWS with a JSON header and JSON claims")
	clause(checks.TokenHeader, `MUST have the header alg "HS256", typ "JWT"`)
	clause(checks.KeySignature, "MUST carry a signature that verifies with the signing key", Label("needs-key"))
	clause(checks.ClaimTokenType, `MUST carry token_type "refresh" or "access" as it is`)
	clause(checks.ClaimExp, "MUST carry exp as an integer")
	clause(checks.ClaimJTI, "MUST carry jti as 32 lowercase hex characters")
	clause(checks.ClaimUserID, "MUST carry user_id as an integer")
	clause(checks.ClaimEmail, "MUST carry email equal to the log-in email")
	clause(checks.ClaimPhone, "MUST carry phone as a string or null")
	clause(checks.ClaimUsername, "MUST carry username as a string")
	clause(checks.ClaimAccessUntil, "MUST carry access_until as null or a time")
	clause(checks.ClaimHasAccess, "MUST carry has_access as a boolean")
	clause(checks.ClaimExtra, "SHOULD carry no claims beyond the page's nine")
})

var _ = Describe("Token lifetimes", func() {
	clause(checks.LifetimeAccess, "MUST expire the access token 2 hours after it is issued")
	clause(checks.LifetimeRefresh, "MUST expire the refresh token 90 days after it is issued")
	clause(checks.LifetimePair, "MUST issue both tokens of one create at the same instant (refresh.exp − access.exp = 90 d − 2 h)")
})
