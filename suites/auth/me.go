package auth

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/negative"
)

// "Using the access token": GET /users/me/ with Authorization: JWT <access>.
var _ = Describe("GET /users/me/", func() {
	Context("with Authorization: JWT <access>", func() {
		clause(checks.MeStatus, "MUST answer 200 with a JSON object")
		clause(checks.MeShape, `MUST carry "id" as an integer and "email" as a string`)
		clause(checks.MeFields, `SHOULD carry no fields beyond "id" and "email"`)
		clause(checks.MeIdentity, "MUST name the token's user: id = user_id, email = the log-in email")
		clause(checks.MeJSON, "MUST answer with a JSON content type")
	})
	Context("without an Authorization header", func() {
		clause(checks.MeAnonRefused, "MUST refuse with 401 or 403")
		clause(checks.MeAnonChallenge, "SHOULD answer 401 with a WWW-Authenticate challenge naming JWT")
	})
	Context("with the page's own access token, expired since 2020", func() {
		clause(checks.MeExpiredExample, "MUST refuse with 401 or 403")
	})
	Context("with the refresh token in place of the access token", func() {
		clause(checks.MeRefreshAsAccess, "MUST refuse with 401 or 403")
	})
	Context("with Authorization: JWT and no token", func() {
		clause(negative.MeSchemeOnly, "MUST refuse with 401 or 403")
	})
	Context("refusing no token, the page's expired token, a refresh token and the scheme alone", func() {
		clause(checks.MeRefusalJSON, "SHOULD carry a JSON body under a JSON content type in every refusal")
		clause(checks.MeErrorShape, `SHOULD word every refusal as DRF does: {"detail": a string}`)
		clause(checks.MeRefusalConsistent, "SHOULD refuse all four with one status (all 401 or all 403)")
	})
})
