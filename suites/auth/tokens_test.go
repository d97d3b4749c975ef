package auth_test

import . "github.com/onsi/ginkgo/v2"

// What every token shows on the page: an HS256 JWT with nine claims, and the lifetimes of
// "Token lifetimes" (access 2 hours, refresh 90 days).
var _ = Describe("Every issued token (create's pair and each refreshed access token)", func() {
	clause("TOKEN-JWS", "MUST be a compact JWS with a JSON header and JSON claims")
	clause("TOKEN-HEADER", `MUST have the header alg "HS256", typ "JWT"`)
	clause("KEY-SIGNATURE", "MUST carry a signature that verifies with the signing key", Label("needs-key"))
	clause("CLAIM-TOKEN-TYPE", `MUST carry token_type "refresh" or "access" as it is`)
	clause("CLAIM-EXP", "MUST carry exp as an integer")
	clause("CLAIM-JTI", "MUST carry jti as 32 lowercase hex characters")
	clause("CLAIM-USER-ID", "MUST carry user_id as an integer")
	clause("CLAIM-EMAIL", "MUST carry email equal to the log-in email")
	clause("CLAIM-PHONE", "MUST carry phone as a string or null")
	clause("CLAIM-USERNAME", "MUST carry username as a string")
	clause("CLAIM-ACCESS-UNTIL", "MUST carry access_until as null or a time")
	clause("CLAIM-HAS-ACCESS", "MUST carry has_access as a boolean")
	clause("CLAIM-EXTRA", "SHOULD carry no claims beyond the page's nine")
})

var _ = Describe("Token lifetimes", func() {
	clause("LIFETIME-ACCESS", "MUST expire the access token 2 hours after it is issued")
	clause("LIFETIME-REFRESH", "MUST expire the refresh token 90 days after it is issued")
	clause("LIFETIME-PAIR", "MUST issue both tokens of one create at the same instant (refresh.exp − access.exp = 90 d − 2 h)")
})
