package auth

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/negative"
)

// "Working with the API requires authorisation": what a server must refuse. Each entry says what
// it sends and what answer it must get; its case builds the requests from the flow's evidence
// (create's tokens), sends them and judges every answer. The refusals that several clauses
// judge are walked once by the flow, and their clauses judged on its evidence.
var _ = Describe("POST /v1/zonesmart/auth/jwt/create/", func() {
	Context("refusing a field missing or empty, a body that is not JSON, and another content type", func() {
		clause(negative.CreateMissingField,
			`with the email empty and the password missing ({"email": ""}), and the email missing and the password empty ({"password": ""}): MUST answer 400 naming both fields`)
		clause(negative.CreateNotJSON,
			"with a body that is not JSON under a JSON content type: MUST refuse with a 4xx, never a 5xx")
		clause(negative.CreateContentType,
			"with the right credentials sent as text/plain: MUST refuse with a 4xx, never a 5xx, and issue no token")
		clause(checks.CreateRefusalJSON, "every such refusal: SHOULD carry a JSON body under a JSON content type")
		clause(checks.CreateErrorShape, `every such refusal: SHOULD be DRF's error body ({"detail": a string}, or field errors)`)
	})
	refusals("refusing what must not log in",
		entry(negative.CreateWrongPassword,
			"with the configured email and a wrong password: MUST answer 401 and issue no token"),
		entry(negative.CreateUnknownEmail,
			"with an email no account has: MUST answer 401 and issue no token"),
		entry(negative.CreateNoEnumeration,
			"with an unknown email: SHOULD answer exactly as to a wrong password (same status, same body)"),
		entry(negative.CreateOversized,
			"with a 3 MiB body: MUST refuse with a 4xx, never a 5xx"),
		entry(negative.CreateMalformed,
			"with each generated malformed body: MUST answer a 4xx with a JSON body, never a 5xx, never a token"),
		entry(negative.CreateNullField,
			"with email and password null: MUST answer 400 naming both fields"),
		entry(negative.CreateWrongType,
			"with email and password of the wrong JSON type (an array, an object): MUST answer 400 naming both fields"),
		entry(negative.CreateLongField,
			"with a 10 KiB email, and with a 10 KiB password, the other field missing: MUST refuse each with a 4xx, never a 5xx, never a token"),
		entry(negative.CreateLongBoth,
			"with an unknown email and a 10 KiB password (exhaustive): MUST refuse with a 4xx, never a 5xx, never a token"),
		entry(negative.CreateBlankFields,
			`with email and password blank ("   ", exhaustive): MUST answer 400 naming both fields`),
	)
})

var _ = Describe("GET /users/me/", func() {
	refusals("refusing what is not a valid access token",
		entry(negative.MeBearer,
			"with Authorization: Bearer <access>: SHOULD refuse with 401 or 403 (the page names the JWT scheme)"),
		entry(negative.MeLowercaseScheme,
			"with the scheme in another case (jwt <access>): SHOULD refuse with 401 or 403"),
		entry(negative.MeExtraParts,
			"with a third part after the token (JWT <access> extra): MUST refuse with 401 or 403"),
		entry(negative.MeGarbage,
			"with a token that is not a JWS: MUST refuse with 401 or 403"),
		entry(negative.MeTampered,
			"with the access token's claims changed and its signature kept: MUST refuse with 401 or 403"),
		entry(negative.MeSigStripped,
			"with the access token's signature stripped: MUST refuse with 401 or 403"),
		entry(negative.MeAlgNone,
			`with alg "none", "None" and "NONE" and no signature: MUST refuse each with 401 or 403`),
		entry(negative.MeAlgChanged,
			"with the header's alg changed to another HMAC than it was issued with, the signature kept: MUST refuse with 401 or 403"),
		entry(negative.MeAlgChangedSigned,
			"with the access token's claims signed with the key under another HMAC than it was issued with: MUST refuse with 401 or 403"),
		entry(negative.MeExpiredSigned,
			"with a token signed with the key that expired 60 s + clock skew ago: MUST refuse with 401 or 403"),
		entry(negative.MeNbfFuture,
			"with a token signed with the key that is not valid before an hour from now: MUST refuse with 401 or 403"),
		entry(negative.MeMissingClaim,
			"with tokens signed with the key that lack exp, jti or token_type: MUST refuse each with 401 or 403"),
		entry(negative.MeEmptyHeader,
			"with an Authorization header that is present but empty: MUST refuse with 401 or 403"),
		entry(negative.MeLongHeader,
			"with a 6 KiB token after the scheme: MUST refuse with a 4xx, never a 5xx"),
		entry(negative.MeLongerHeader,
			"with a 16 KiB token after the scheme, beyond front servers' header limits (exhaustive): MUST refuse with a 4xx, never a 5xx"),
	)
})

var _ = Describe("GET /auth/jwt/refresh/", func() {
	Context(`refusing a body without "refresh", a value that is not a JWS, a body that is not JSON, and another content type`, func() {
		clause(negative.RefreshMissingField,
			`with an empty object ({}): MUST answer 400 naming the "refresh" field`)
		clause(negative.RefreshGarbage,
			"with a refresh value that is not a JWS: MUST answer 401")
		clause(negative.RefreshNotJSON,
			"with a body that is not JSON under a JSON content type: MUST refuse with a 4xx, never a 5xx")
		clause(negative.RefreshContentType,
			"with the refresh token sent as text/plain: MUST refuse with a 4xx, never a 5xx, and issue no token")
		clause(checks.RefreshRefusalJSON, "every such refusal: SHOULD carry a JSON body under a JSON content type")
		clause(checks.RefreshErrorShape, `every such refusal: SHOULD be DRF's error body ({"detail": a string}, or field errors)`)
	})
	refusals("refusing what is not a valid refresh token",
		entry(negative.RefreshWithAccess,
			"with the access token in place of the refresh token: MUST answer 401 and issue no token"),
		entry(negative.RefreshTampered,
			"with the refresh token's claims changed and its signature kept: MUST answer 401 and issue no token"),
		entry(negative.RefreshExpiredExample,
			"with the page's own refresh token, expired since September 2020: MUST answer 401 and issue no token"),
		entry(negative.RefreshExpiredSigned,
			"with a refresh token signed with the key that expired 60 s + clock skew ago: MUST answer 401 and issue no token"),
		entry(negative.RefreshMalformed,
			"with each generated malformed body: MUST answer a 4xx with a JSON body, never a 5xx, never a token"),
		entry(negative.RefreshEmptyField,
			`with "refresh" empty (""): MUST answer 400 naming the "refresh" field`),
		entry(negative.RefreshBlankField,
			`with "refresh" blank ("   ", exhaustive): MUST answer 400 naming the "refresh" field`),
		entry(negative.RefreshNullField,
			`with "refresh" null: MUST answer 400 naming the "refresh" field`),
		entry(negative.RefreshWrongType,
			`with "refresh" of the wrong JSON type (an array): MUST answer 400 naming the "refresh" field`),
		entry(negative.RefreshWrongTypeObject,
			`with "refresh" of the wrong JSON type (an object, exhaustive): MUST answer 400 naming the "refresh" field`),
		entry(negative.RefreshLongField,
			`with a 10 KiB "refresh" value: MUST refuse with a 4xx, never a 5xx, never a token`),
		entry(negative.RefreshOversized,
			"with a 3 MiB body: MUST refuse with a 4xx, never a 5xx"),
	)
})
