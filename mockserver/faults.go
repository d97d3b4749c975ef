package mockserver

import (
	"sort"
	"strings"
)

// Fault is one named, single deviation from the page that the server can be built with.
type Fault struct {
	// Name selects the fault in Options.Faults.
	Name string
	// Description says in one line what the server does differently.
	Description string
	// Breaks lists every clause a correct suite must report failing against this fault, run
	// with the signing key (see the package documentation for the assumptions behind it).
	Breaks []string
	// NeedsKey is true when only keyed checks can catch the fault: without the signing key a
	// correct suite passes against it.
	NeedsKey bool
	// Pending lists clauses the coverage matrix proposes (helpers/coverage/matrix.yaml) that a
	// correct suite will report failing against this fault once they are in the clause
	// catalogue. The kill matrix judges Breaks only; when a proposal becomes a clause, its ID
	// moves from Pending to Breaks (the mock's tests say so). A fault with Pending and no
	// Breaks is not in Faults() yet: nothing the suite checks can catch it.
	Pending []string
}

const (
	faultCreateStatus201              = "create-status-201"
	faultCreateContentTypeHTML        = "create-content-type-html"
	faultCreateAccessRenamed          = "create-access-renamed"
	faultCreateRefreshMissing         = "create-refresh-missing"
	faultCreateExtraUser              = "create-extra-user"
	faultHeaderAlgHS512               = "header-alg-hs512"
	faultHeaderTypMissing             = "header-typ-missing"
	faultTokenPadded                  = "token-padded"
	faultClaimTokenTypeBearer         = "claim-token-type-bearer"
	faultClaimTokenTypeMissingRefresh = "claim-token-type-missing-refresh"
	faultClaimExpString               = "claim-exp-string"
	faultClaimExpFloat                = "claim-exp-float"
	faultClaimJTIUppercase            = "claim-jti-uppercase"
	faultClaimJTIDashed               = "claim-jti-dashed"
	faultClaimUserIDString            = "claim-user-id-string"
	faultClaimEmailUsername           = "claim-email-username"
	faultClaimEmailMissing            = "claim-email-missing"
	faultClaimPhoneNumber             = "claim-phone-number"
	faultClaimUsernameMissing         = "claim-username-missing"
	faultClaimAccessUntilBool         = "claim-access-until-bool"
	faultClaimHasAccessString         = "claim-has-access-string"
	faultClaimExtraIss                = "claim-extra-iss"
	faultLifetimeAccess3h             = "lifetime-access-3h"
	faultLifetimeAccessPlus60s        = "lifetime-access-plus-60s"
	faultLifetimeRefresh89d           = "lifetime-refresh-89d"
	faultLifetimeRefreshPlus1h        = "lifetime-refresh-plus-1h"
	faultPairRefreshEarly30m          = "pair-refresh-early-30m"
	faultPairClockReadTwice           = "pair-clock-read-twice"
	faultJTISharedInPair              = "jti-shared-in-pair"
	faultMeStatus202                  = "me-status-202"
	faultMeIDString                   = "me-id-string"
	faultMeExtraField                 = "me-extra-field"
	faultMeWrongID                    = "me-wrong-id"
	faultMeWrongEmail                 = "me-wrong-email"
	faultMeAnonymous200               = "me-anonymous-200"
	faultNoWWWAuthenticate            = "no-www-authenticate"
	faultSchemeBearerOnly             = "scheme-bearer-only"
	faultSchemeBearerToo              = "scheme-bearer-too"
	faultSchemeCaseInsensitive        = "scheme-case-insensitive"
	faultMeSchemeOnly500              = "me-scheme-only-500"
	faultMeExtraPartsIgnored          = "me-extra-parts-ignored"
	faultMeGarbage500                 = "me-garbage-500"
	faultMeAcceptsExpired             = "me-accepts-expired"
	faultSignatureNotChecked          = "signature-not-checked"
	faultAlgNoneAccepted              = "alg-none-accepted"
	faultAlgAnyHMAC                   = "alg-any-hmac"
	faultMeAcceptsRefresh             = "me-accepts-refresh"
	faultNbfIgnored                   = "nbf-ignored"
	faultRequiredClaimsUnchecked      = "required-claims-unchecked"
	faultForeignKey                   = "foreign-key"
	faultWrongPassword200             = "wrong-password-200"
	faultWrongPassword500             = "wrong-password-500"
	faultBadCredentials400            = "bad-credentials-400"
	faultUnknownEmailDistinct         = "unknown-email-distinct"
	faultCreateMissingField500        = "create-missing-field-500"
	faultCreateNotJSON500             = "create-not-json-500"
	faultCreateMalformed500           = "create-malformed-500"
	faultCreateContentTypeIgnored     = "create-content-type-ignored"
	faultCreateOversized500           = "create-oversized-500"
	faultRefreshGet405                = "refresh-get-405"
	faultRefreshSingleUse             = "refresh-single-use"
	faultRefreshIdentityDrift         = "refresh-identity-drift"
	faultRefreshLifetime3h            = "refresh-lifetime-3h"
	faultRefreshAccessUnregistered    = "refresh-access-unregistered"
	faultRefreshRotates               = "refresh-rotates"
	faultRefreshStatus201             = "refresh-status-201"
	faultRefreshAccessRenamed         = "refresh-access-renamed"
	faultRefreshCopiesJTI             = "refresh-copies-jti"
	faultRefreshReusesAccessJTI       = "refresh-reuses-access-jti"
	faultRefreshAcceptsAccess         = "refresh-accepts-access"
	faultRefreshAcceptsExpired        = "refresh-accepts-expired"
	faultRefreshGarbage500            = "refresh-garbage-500"
	faultRefreshMissingField500       = "refresh-missing-field-500"
	faultRefreshMalformed500          = "refresh-malformed-500"

	// Faults of the clauses the coverage matrix added (helpers/coverage/matrix.yaml).
	faultMeContentTypeHTML             = "me-content-type-html"
	faultRefreshContentTypeHTML        = "refresh-content-type-html"
	faultCreateRefusalContentTypeHTML  = "create-refusal-content-type-html"
	faultMeRefusalContentTypeHTML      = "me-refusal-content-type-html"
	faultRefreshRefusalContentTypeHTML = "refresh-refusal-content-type-html"
	faultCreateErrorsListed            = "create-errors-listed"
	faultMeErrorsRenamed               = "me-errors-renamed"
	faultRefreshErrorsListed           = "refresh-errors-listed"
	faultMeWrongType403                = "me-wrong-type-403"
	faultCreateNullField500            = "create-null-field-500"
	faultCreateWrongTypeCoerced        = "create-wrong-type-coerced"
	faultCreateLongField500            = "create-long-field-500"
	faultRefreshBlankAsToken           = "refresh-blank-as-token"
	faultRefreshNullField500           = "refresh-null-field-500"
	faultRefreshWrongTypeCoerced       = "refresh-wrong-type-coerced"
	faultRefreshLongField500           = "refresh-long-field-500"
	faultRefreshNotJSON500             = "refresh-not-json-500"
	faultRefreshContentTypeIgnored     = "refresh-content-type-ignored"
	faultRefreshOversized500           = "refresh-oversized-500"
	faultMeEmptyHeader500              = "me-empty-header-500"
	faultMeLongHeader500               = "me-long-header-500"
)

var catalogue = []Fault{
	// ---- The create answer ----
	{Name: faultCreateStatus201, Breaks: []string{"CREATE-STATUS"},
		Description: "create answers 201 Created instead of 200"},
	{Name: faultCreateContentTypeHTML, Breaks: []string{"CREATE-JSON"},
		Description: "create labels its JSON answer text/html"},
	{Name: faultCreateAccessRenamed, Breaks: []string{"CREATE-SHAPE", "CREATE-FIELDS"},
		Description: `create names the access token "access_token" instead of "access"`},
	{Name: faultCreateRefreshMissing, Breaks: []string{"CREATE-SHAPE"},
		Description: `create answers without the "refresh" field`},
	{Name: faultCreateExtraUser, Breaks: []string{"CREATE-FIELDS"},
		Description: `create adds a "user" object (id, email) beside the tokens`},

	// ---- Every token: the JWS and its header ----
	{Name: faultHeaderAlgHS512, Breaks: []string{"TOKEN-HEADER", "KEY-SIGNATURE"},
		Description: "tokens are signed, and verified, with HS512 instead of HS256"},
	{Name: faultHeaderTypMissing, Breaks: []string{"TOKEN-HEADER"},
		Description: `token headers carry no "typ"`},
	{Name: faultTokenPadded, Breaks: []string{"TOKEN-JWS"},
		Description: "the signature segment keeps its base64 '=' padding"},

	// ---- Every token: the claims ----
	{Name: faultClaimTokenTypeBearer, Breaks: []string{"CLAIM-TOKEN-TYPE"},
		Description: `access tokens say token_type "bearer" (and the server expects that of them)`},
	{Name: faultClaimTokenTypeMissingRefresh, Breaks: []string{"CLAIM-TOKEN-TYPE"},
		Description: "the refresh token has no token_type (the refresh endpoint takes untyped tokens)"},
	{Name: faultClaimExpString, Breaks: []string{"CLAIM-EXP"},
		Description: `exp is a string of digits ("1591878835") instead of a number`},
	{Name: faultClaimExpFloat, Breaks: []string{"CLAIM-EXP"},
		Description: "exp keeps a fraction of a second (1591878835.5)"},
	{Name: faultClaimJTIUppercase, Breaks: []string{"CLAIM-JTI"},
		Description: "jti is 32 uppercase hex characters"},
	{Name: faultClaimJTIDashed, Breaks: []string{"CLAIM-JTI"},
		Description: "jti is a 36-character UUID with dashes"},
	{Name: faultClaimUserIDString, Breaks: []string{"CLAIM-USER-ID"},
		Description: `user_id is a string ("1"), as simplejwt 5.5.1 writes it`},
	{Name: faultClaimEmailUsername, Breaks: []string{"CLAIM-EMAIL"},
		Description: "the email claim carries the username instead of the email"},
	{Name: faultClaimEmailMissing, Breaks: []string{"CLAIM-EMAIL"},
		Description: "tokens carry no email claim"},
	{Name: faultClaimPhoneNumber, Breaks: []string{"CLAIM-PHONE"},
		Description: "phone is a number (0 when the account has none)"},
	{Name: faultClaimUsernameMissing, Breaks: []string{"CLAIM-USERNAME"},
		Description: "tokens carry no username claim"},
	{Name: faultClaimAccessUntilBool, Breaks: []string{"CLAIM-ACCESS-UNTIL"},
		Description: "access_until is a boolean (false) instead of null or a time"},
	{Name: faultClaimHasAccessString, Breaks: []string{"CLAIM-HAS-ACCESS"},
		Description: `has_access is the string "false" instead of a boolean`},
	{Name: faultClaimExtraIss, Breaks: []string{"CLAIM-EXTRA"},
		Description: `tokens carry an undocumented iss claim ("zonesmart")`},

	// ---- Lifetimes ----
	{Name: faultLifetimeAccess3h, Breaks: []string{"LIFETIME-ACCESS", "LIFETIME-PAIR", "REFRESH-LIFETIME"},
		Description: "access tokens live 3 hours instead of 2"},
	{Name: faultLifetimeAccessPlus60s, Breaks: []string{"LIFETIME-ACCESS", "LIFETIME-PAIR", "REFRESH-LIFETIME"},
		Description: "access tokens live 2 hours and 60 seconds"},
	{Name: faultLifetimeRefresh89d, Breaks: []string{"LIFETIME-REFRESH", "LIFETIME-PAIR"},
		Description: "refresh tokens live 89 days instead of 90"},
	{Name: faultLifetimeRefreshPlus1h, Breaks: []string{"LIFETIME-REFRESH", "LIFETIME-PAIR"},
		Description: "refresh tokens live 90 days and 1 hour"},
	{Name: faultPairRefreshEarly30m, Breaks: []string{"LIFETIME-REFRESH", "LIFETIME-PAIR"},
		Description: "the refresh token of a create is issued 30 minutes before its access token"},
	{Name: faultPairClockReadTwice, Breaks: []string{"LIFETIME-PAIR"},
		Description: "the refresh token of a create is issued 1 second after its access token"},
	{Name: faultJTISharedInPair, Breaks: []string{"JTI-DISTINCT"},
		Description: "the refresh and access tokens of a create share one jti"},

	// ---- /users/me/ ----
	{Name: faultMeStatus202, Breaks: []string{"ME-STATUS", "REFRESH-ACCESS-WORKS"},
		Description: "/users/me/ answers 202 instead of 200"},
	{Name: faultMeIDString, Breaks: []string{"ME-SHAPE"},
		Description: `/users/me/ answers the id as a string ("1")`},
	{Name: faultMeExtraField, Breaks: []string{"ME-FIELDS"},
		Description: `/users/me/ adds a "username" field`},
	{Name: faultMeWrongID, Breaks: []string{"ME-IDENTITY", "REFRESH-ACCESS-WORKS"},
		Description: "/users/me/ answers another id than the token's user_id (id + 1)"},
	{Name: faultMeWrongEmail, Breaks: []string{"ME-IDENTITY"},
		Description: "/users/me/ answers another email than the log-in email"},
	{Name: faultMeAnonymous200, Breaks: []string{"ME-ANON-REFUSED", "ME-ANON-CHALLENGE", "ME-EMPTY-HEADER"},
		Description: `/users/me/ without an Authorization header answers 200 {"id":null,"email":""}`},
	{Name: faultNoWWWAuthenticate, Breaks: []string{"ME-ANON-CHALLENGE"},
		Description: "401 answers carry no WWW-Authenticate header"},

	// ---- The Authorization header ----
	// The 401 answers to "JWT <token>" are judged by ME-STATUS alone: the shape and identity
	// clauses do not judge an error answer as if it were the documented body.
	{Name: faultSchemeBearerOnly, Breaks: []string{"ME-STATUS", "ME-BEARER", "REFRESH-ACCESS-WORKS"},
		Description: `/users/me/ takes only "Bearer <token>"; "JWT <token>" counts as no credentials`},
	{Name: faultSchemeBearerToo, Breaks: []string{"ME-BEARER"},
		Description: `/users/me/ takes "Bearer <token>" as well as "JWT <token>"`},
	{Name: faultSchemeCaseInsensitive, Breaks: []string{"ME-LOWERCASE-SCHEME"},
		Description: `/users/me/ takes the scheme in any case ("jwt <token>")`},
	{Name: faultMeSchemeOnly500, Breaks: []string{"ME-SCHEME-ONLY"},
		Description: `/users/me/ answers 500 to "Authorization: JWT" with no token`},
	{Name: faultMeExtraPartsIgnored, Breaks: []string{"ME-EXTRA-PARTS"},
		Description: `/users/me/ takes "JWT <token> <more>" and ignores what follows the token`},
	{Name: faultMeGarbage500, Breaks: []string{"ME-GARBAGE", "ME-LONG-HEADER"},
		Description: "/users/me/ answers 500 to a token that is not a JWS"},

	// ---- Token validation ----
	{Name: faultMeAcceptsExpired, Breaks: []string{"ME-EXPIRED-EXAMPLE", "ME-EXPIRED-SIGNED"},
		Description: "/users/me/ does not enforce exp: expired access tokens are accepted"},
	{Name: faultSignatureNotChecked, Breaks: []string{"ME-TAMPERED", "ME-SIG-STRIPPED", "ME-ALG-NONE", "ME-ALG-CHANGED", "REFRESH-TAMPERED"},
		Description: "token signatures (and their alg) are not verified"},
	{Name: faultAlgNoneAccepted, Breaks: []string{"ME-ALG-NONE"},
		Description: `tokens whose header says alg "none" are accepted without a signature check`},
	{Name: faultAlgAnyHMAC, Breaks: []string{"ME-ALG-CHANGED"}, NeedsKey: true,
		Description: "tokens signed with the key under HS384 or HS512 are accepted as well as HS256"},
	{Name: faultMeAcceptsRefresh, Breaks: []string{"ME-REFRESH-AS-ACCESS"},
		Description: "/users/me/ accepts a refresh token as an access token"},
	{Name: faultNbfIgnored, Breaks: []string{"ME-NBF-FUTURE"}, NeedsKey: true,
		Description: "nbf is not enforced: a token not valid before a future time is accepted"},
	{Name: faultRequiredClaimsUnchecked, Breaks: []string{"ME-MISSING-CLAIM"}, NeedsKey: true,
		Description: "a token without exp, jti or token_type is accepted (only user_id is needed)"},
	{Name: faultForeignKey, Breaks: []string{"KEY-SIGNATURE"}, NeedsKey: true,
		Description: "tokens are signed and verified with another key than the configured one"},

	// ---- create's refusals ----
	{Name: faultWrongPassword200, Breaks: []string{"CREATE-WRONG-PASSWORD", "CREATE-NO-ENUMERATION"},
		Description: "create with a wrong password for a known email answers 200 with tokens"},
	{Name: faultWrongPassword500, Breaks: []string{"CREATE-WRONG-PASSWORD", "CREATE-NO-ENUMERATION"},
		Description: "create with a wrong password for a known email answers 500"},
	{Name: faultBadCredentials400, Breaks: []string{"CREATE-WRONG-PASSWORD", "CREATE-UNKNOWN-EMAIL"},
		Description: `create refuses bad credentials with 400 {"non_field_errors":[...]} instead of 401`},
	{Name: faultUnknownEmailDistinct, Breaks: []string{"CREATE-NO-ENUMERATION"},
		Description: "create answers an unknown email with its own 401 message, unlike a wrong password"},
	{Name: faultCreateMissingField500, Breaks: []string{"CREATE-MISSING-FIELD", "CREATE-LONG-FIELD"},
		Description: "create answers 500 when email or password is missing or blank"},
	{Name: faultCreateNotJSON500, Breaks: []string{"CREATE-NOT-JSON"},
		Description: "create answers 500 to a body that is not JSON under a JSON content type"},
	{Name: faultCreateMalformed500, Breaks: []string{"CREATE-MALFORMED", "CREATE-NULL-FIELD", "CREATE-WRONG-TYPE"},
		Description: "create answers 500 to JSON that is not an object of strings"},
	{Name: faultCreateContentTypeIgnored, Breaks: []string{"CREATE-CONTENT-TYPE"},
		Description: "create parses any content type (text/plain) as JSON instead of answering 415"},
	{Name: faultCreateOversized500, Breaks: []string{"CREATE-OVERSIZED"},
		Description: "create answers 500 to a body over 64 KiB instead of 413"},

	// ---- Refresh ----
	{Name: faultRefreshGet405, Breaks: []string{"REFRESH-METHOD"},
		Description: "refresh answers the page's GET with 405, like the real stack (POST works)"},
	{Name: faultRefreshStatus201, Breaks: []string{"REFRESH-STATUS", "REFRESH-REUSABLE"},
		Description: "refresh answers 201 Created instead of 200"},
	{Name: faultRefreshAccessRenamed, Breaks: []string{"REFRESH-SHAPE", "REFRESH-FIELDS", "REFRESH-REUSABLE"},
		Description: `refresh names the new token "access_token" instead of "access"`},
	{Name: faultRefreshSingleUse, Breaks: []string{"REFRESH-REUSABLE"},
		Description: "a refresh token works once: the second refresh with it answers 401"},
	{Name: faultRefreshIdentityDrift, Breaks: []string{"REFRESH-IDENTITY"},
		Description: "the refreshed access token's has_access differs from the refresh token's"},
	{Name: faultRefreshLifetime3h, Breaks: []string{"REFRESH-LIFETIME"},
		Description: "a refreshed access token lives 3 hours (a create's lives 2)"},
	{Name: faultRefreshAccessUnregistered, Breaks: []string{"REFRESH-ACCESS-WORKS"},
		Description: "/users/me/ refuses access tokens that refresh issued (only create's are registered)"},
	{Name: faultRefreshRotates, Breaks: []string{"REFRESH-FIELDS"},
		Description: `refresh rotates: it adds a new "refresh" token to its answer (the old one still works)`},
	{Name: faultRefreshCopiesJTI, Breaks: []string{"REFRESH-JTI-FRESH"},
		Description: "a refreshed access token copies the refresh token's jti"},
	{Name: faultRefreshReusesAccessJTI, Breaks: []string{"REFRESH-JTI-FRESH"},
		Description: "a refreshed access token reuses the jti of the access token issued with the refresh token"},
	{Name: faultRefreshAcceptsAccess, Breaks: []string{"REFRESH-WITH-ACCESS"},
		Description: "refresh accepts an access token in place of a refresh token"},
	{Name: faultRefreshAcceptsExpired, Breaks: []string{"REFRESH-EXPIRED"},
		Description: "refresh does not enforce exp: an expired refresh token (the page's own) still works"},
	{Name: faultRefreshGarbage500, Breaks: []string{"REFRESH-GARBAGE", "REFRESH-LONG-FIELD"},
		Description: "refresh answers 500 to a refresh value that is not a JWS"},
	{Name: faultRefreshMissingField500, Breaks: []string{"REFRESH-MISSING-FIELD", "REFRESH-EMPTY-FIELD"},
		Description: `refresh answers 500 to a body without "refresh" ({}) or with it blank`},
	{Name: faultRefreshMalformed500, Breaks: []string{"REFRESH-MALFORMED", "REFRESH-NULL-FIELD", "REFRESH-WRONG-TYPE", "REFRESH-NOT-JSON"},
		Description: `refresh answers 500 to a body that is not JSON, or not an object with a string "refresh"`},

	// ---- The clauses the coverage matrix added: content types, error shapes, field mistakes ----
	{Name: faultMeContentTypeHTML, Breaks: []string{"ME-JSON"},
		Description: "/users/me/ labels its JSON answer text/html"},
	{Name: faultRefreshContentTypeHTML, Breaks: []string{"REFRESH-JSON"},
		Description: "refresh labels its JSON answer text/html"},
	{Name: faultCreateRefusalContentTypeHTML, Breaks: []string{"CREATE-REFUSAL-JSON"},
		Description: "create labels its 4xx answers text/html (the JSON body is kept)"},
	{Name: faultMeRefusalContentTypeHTML, Breaks: []string{"ME-REFUSAL-JSON"},
		Description: "/users/me/ labels its 4xx answers text/html (the JSON body is kept)"},
	{Name: faultRefreshRefusalContentTypeHTML, Breaks: []string{"REFRESH-REFUSAL-JSON"},
		Description: "refresh labels its 4xx answers text/html (the JSON body is kept)"},
	{Name: faultCreateErrorsListed, Breaks: []string{"CREATE-ERROR-SHAPE"},
		Description: `create words field errors as {"errors":[{"field","message"}]} instead of DRF's {"<field>":[...]}`},
	{Name: faultMeErrorsRenamed, Breaks: []string{"ME-ERROR-SHAPE"},
		Description: `/users/me/ words its refusals {"error": ...} instead of DRF's {"detail": ...}`},
	{Name: faultRefreshErrorsListed, Breaks: []string{"REFRESH-ERROR-SHAPE"},
		Description: `refresh words field errors as {"errors":[{"field","message"}]} instead of DRF's {"refresh":[...]}`},
	{Name: faultMeWrongType403, Breaks: []string{"ME-REFUSAL-CONSISTENT"},
		Description: "/users/me/ refuses a token of the wrong type (a refresh token) with 403, every other refusal with 401"},
	{Name: faultCreateNullField500, Breaks: []string{"CREATE-NULL-FIELD"},
		Description: "create answers 500 when email or password is null"},
	{Name: faultCreateWrongTypeCoerced, Breaks: []string{"CREATE-WRONG-TYPE"},
		Description: `create reads booleans, arrays and objects as text ("True", "[]") and answers 401 instead of 400`},
	{Name: faultCreateLongField500, Breaks: []string{"CREATE-LONG-FIELD"},
		Description: "create answers 500 when email or password is longer than 4 KiB"},
	{Name: faultRefreshBlankAsToken, Breaks: []string{"REFRESH-EMPTY-FIELD"},
		Description: `refresh takes a blank "refresh" for a token and answers 401 instead of 400`},
	{Name: faultRefreshNullField500, Breaks: []string{"REFRESH-NULL-FIELD"},
		Description: `refresh answers 500 when "refresh" is null`},
	{Name: faultRefreshWrongTypeCoerced, Breaks: []string{"REFRESH-WRONG-TYPE"},
		Description: `refresh reads a boolean, array or object "refresh" as text and answers 401 instead of 400`},
	{Name: faultRefreshLongField500, Breaks: []string{"REFRESH-LONG-FIELD"},
		Description: `refresh answers 500 when "refresh" is longer than 4 KiB`},
	{Name: faultRefreshNotJSON500, Breaks: []string{"REFRESH-NOT-JSON"},
		Description: "refresh answers 500 to a body that is not JSON under a JSON content type"},
	{Name: faultRefreshContentTypeIgnored, Breaks: []string{"REFRESH-CONTENT-TYPE"},
		Description: "refresh parses any content type (text/plain) as JSON instead of answering 415"},
	{Name: faultRefreshOversized500, Breaks: []string{"REFRESH-OVERSIZED"},
		Description: "refresh answers 500 to a body over 64 KiB instead of 413"},
	{Name: faultMeEmptyHeader500, Breaks: []string{"ME-EMPTY-HEADER"},
		Description: "/users/me/ answers 500 to an Authorization header that is present but empty"},
	{Name: faultMeLongHeader500, Breaks: []string{"ME-LONG-HEADER"},
		Description: "/users/me/ answers 500 to an Authorization header longer than 4 KiB"},
}

var catalogueByName = func() map[string]Fault {
	m := make(map[string]Fault, len(catalogue))
	for _, f := range catalogue {
		m[f.Name] = f
	}
	return m
}()

// Faults returns the faults that break a clause of the catalogue, sorted by name: the ones the
// kill matrix runs. The slices are copies: changing them changes nothing here.
func Faults() []Fault { return sorted(func(f Fault) bool { return len(f.Breaks) > 0 }) }

// PendingFaults returns the faults that break only proposed clauses (Pending, no Breaks),
// sorted by name. New accepts them like any other; the kill matrix does not run them yet.
func PendingFaults() []Fault { return sorted(func(f Fault) bool { return len(f.Breaks) == 0 }) }

func sorted(keep func(Fault) bool) []Fault {
	out := make([]Fault, 0, len(catalogue))
	for _, f := range catalogue {
		if keep(f) {
			out = append(out, copied(f))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func copied(f Fault) Fault {
	f.Breaks = append([]string(nil), f.Breaks...)
	f.Pending = append([]string(nil), f.Pending...)
	return f
}

// LookupFault returns the named catalogue entry, pending or not.
func LookupFault(name string) (Fault, bool) {
	f, ok := catalogueByName[name]
	if ok {
		f = copied(f)
	}
	return f, ok
}

// ParseFaultList splits a list of fault names written as "a,b c" (commas and/or spaces), as
// flags and environment variables carry it. It does not check the names: New does.
func ParseFaultList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}
