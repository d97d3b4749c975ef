package auth_test

import . "github.com/onsi/ginkgo/v2"

// "Using the access token": GET /users/me/ with Authorization: JWT <access>.
var _ = Describe("GET /users/me/", func() {
	Context("with Authorization: JWT <access>", func() {
		clause("ME-STATUS", "MUST answer 200 with a JSON object")
		clause("ME-SHAPE", `MUST carry "id" as an integer and "email" as a string`)
		clause("ME-FIELDS", `SHOULD carry no fields beyond "id" and "email"`)
		clause("ME-IDENTITY", "MUST name the token's user: id = user_id, email = the log-in email")
	})
	Context("without an Authorization header", func() {
		clause("ME-ANON-REFUSED", "MUST refuse with 401 or 403")
		clause("ME-ANON-CHALLENGE", "SHOULD answer 401 with a WWW-Authenticate challenge naming JWT")
	})
	Context("with the page's own access token, expired since 2020", func() {
		clause("ME-EXPIRED-EXAMPLE", "MUST refuse with 401 or 403")
	})
	Context("with the refresh token in place of the access token", func() {
		clause("ME-REFRESH-AS-ACCESS", "MUST refuse with 401 or 403")
	})
})
