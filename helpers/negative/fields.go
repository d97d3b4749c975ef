package negative

import (
	"strings"
)

// The field mistakes of the coverage matrix (helpers/coverage/matrix.yaml): each request field
// null, empty, of the wrong type and oversized, and the Authorization header present but empty
// or long. No create body names the configured account, and none is a log-in but the
// exhaustive CreateLongBoth's, whose email is UnknownEmail: a throttle counts no default one.

// createBody is a create request with a fixed body (no password of the account in it).
func createBody(step, body string) func(ev Evidence) ([]Request, error) {
	return func(ev Evidence) ([]Request, error) { return one(ev.create(step, []byte(body))), nil }
}

func refreshBody(step, body string) func(ev Evidence) ([]Request, error) {
	return func(ev Evidence) ([]Request, error) { return one(ev.refresh(step, []byte(body))), nil }
}

var createFieldErrors = Each(FieldErrors("email", "password"))
var refreshFieldError = Each(FieldErrors("refresh"))

// ---- POST create -------------------------------------------------------------------------

var CreateNullField = Case{
	Clause: "CREATE-NULL-FIELD",
	Build:  createBody("create-null-field", `{"email":null,"password":null}`),
	Judge:  createFieldErrors,
}

// CreateWrongType sends containers: booleans are the malformed family's first body already.
// Numbers are no wrong type here: DRF reads 123 as the text "123".
var CreateWrongType = Case{
	Clause: "CREATE-WRONG-TYPE",
	Build:  createBody("create-wrong-type", `{"email":[],"password":{}}`),
	Judge:  createFieldErrors,
}

// CreateLongField sends each long value with the other field missing, so that neither request
// is a log-in attempt.
var CreateLongField = Case{
	Clause: "CREATE-LONG-FIELD",
	Build: func(ev Evidence) ([]Request, error) {
		long := strings.Repeat("a", LongValueBytes)
		return []Request{
			{Call: ev.create("create-long-email", object("email", long+"@invalid.example"))},
			{Call: ev.create("create-long-password", object("password", long))},
		}, nil
	},
	Judge: clientErrorNoToken,
}

// CreateLongBoth is the only way to reach the password hasher with a long password: a log-in,
// so with an email no account has, never the configured one.
var CreateLongBoth = Case{
	Clause: "CREATE-LONG-FIELD", Lockout: true, Exhaustive: true,
	Build: func(ev Evidence) ([]Request, error) {
		return one(ev.logIn("create-long-both", UnknownEmail, strings.Repeat("a", LongValueBytes))), nil
	},
	Judge: clientErrorNoToken,
}

var CreateBlankFields = Case{
	Clause: "CREATE-MISSING-FIELD", Exhaustive: true,
	Build: createBody("create-blank-fields", `{"email":"   ","password":"   "}`),
	Judge: createFieldErrors,
}

// ---- GET /users/me/ ----------------------------------------------------------------------

// MeEmptyHeader sends the header present with an empty value; "JWT" with an empty token is
// MeSchemeOnly (Go trims the trailing space).
var MeEmptyHeader = Case{
	Clause: "ME-EMPTY-HEADER",
	Build:  func(ev Evidence) ([]Request, error) { return one(ev.me("me-empty-header", "")), nil },
	Judge:  refusedEach,
}

var MeLongHeader = Case{
	Clause: "ME-LONG-HEADER",
	Build: func(ev Evidence) ([]Request, error) {
		return one(ev.me("me-long-header", ev.Scheme+" "+strings.Repeat("a", LongHeaderBytes))), nil
	},
	Judge: clientErrorNoToken,
}

// MeLongerHeader goes beyond the front servers' header limits: gunicorn refuses it with its
// own HTML 400, which is why no refusal family judges it.
var MeLongerHeader = Case{
	Clause: "ME-LONG-HEADER", Exhaustive: true,
	Build: func(ev Evidence) ([]Request, error) {
		return one(ev.me("me-longer-header", ev.Scheme+" "+strings.Repeat("a", LongerHeaderBytes))), nil
	},
	Judge: clientErrorNoToken,
}

// ---- refresh -----------------------------------------------------------------------------

var RefreshEmptyField = Case{
	Clause: "REFRESH-EMPTY-FIELD",
	Build:  refreshBody("refresh-empty-field", `{"refresh":""}`),
	Judge:  refreshFieldError,
}

var RefreshBlankField = Case{
	Clause: "REFRESH-EMPTY-FIELD", Exhaustive: true,
	Build: refreshBody("refresh-blank-field", `{"refresh":"   "}`),
	Judge: refreshFieldError,
}

var RefreshNullField = Case{
	Clause: "REFRESH-NULL-FIELD",
	Build:  refreshBody("refresh-null-field", `{"refresh":null}`),
	Judge:  refreshFieldError,
}

var RefreshWrongType = Case{
	Clause: "REFRESH-WRONG-TYPE",
	Build:  refreshBody("refresh-wrong-type", `{"refresh":[]}`),
	Judge:  refreshFieldError,
}

var RefreshWrongTypeObject = Case{
	Clause: "REFRESH-WRONG-TYPE", Exhaustive: true,
	Build: refreshBody("refresh-wrong-type-object", `{"refresh":{}}`),
	Judge: refreshFieldError,
}

var RefreshLongField = Case{
	Clause: "REFRESH-LONG-FIELD",
	Build: func(ev Evidence) ([]Request, error) {
		return one(ev.refresh("refresh-long-field", object("refresh", strings.Repeat("a", LongValueBytes)))), nil
	},
	Judge: clientErrorNoToken,
}

var RefreshOversized = Case{
	Clause: "REFRESH-OVERSIZED",
	Build: func(ev Evidence) ([]Request, error) {
		return one(ev.refresh("refresh-oversized", object("padding", strings.Repeat("a", OversizedBytes)))), nil
	},
	Judge: clientErrorNoToken,
}
