package negative

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/tokens"
)

// Case is one row of the negative table: a clause, the requests that probe it and the
// judgement of their answers. A spec runs one case; the spec file says in words what the case
// sends and what answer it must get.
type Case struct {
	Clause string
	Keyed  bool // mints a token with the signing key: needs the key and a live target
	// Lockout marks credentials that must fail authentication (a wrong password, an unknown
	// email). Throttles count those per account or per client address.
	Lockout bool
	Fuzz    bool // generated malformed bodies
	// Exhaustive marks requests beyond the default run's (more mistakes of a kind the default
	// already sends): sent only with safety.exhaustive.
	Exhaustive bool
	// FirstWrongPassword is the run-wide number of this case's first wrong-password log-in
	// (1-based; 0 when it sends none). Numbering the attempts here, not in the order specs
	// happen to run, makes the bound pick the same cases on every run and in every process.
	FirstWrongPassword int
	Build              func(ev Evidence) ([]Request, error)
	Judge              Judge
}

// Labels are the mode labels of the case's spec, besides its clause, severity and endpoint.
func (c Case) Labels() []string {
	var ls []string
	if c.Keyed {
		ls = append(ls, LabelNeedsKey, LabelLiveOnly)
	}
	if c.Lockout {
		ls = append(ls, LabelLockoutRisk)
	}
	if c.Fuzz {
		ls = append(ls, LabelFuzz)
	}
	if c.Exhaustive {
		ls = append(ls, LabelExhaustive)
	}
	return ls
}

// WrongPasswords counts the wrong-password log-ins among requests.
func WrongPasswords(reqs []Request) int {
	n := 0
	for _, r := range reqs {
		if r.WrongPassword {
			n++
		}
	}
	return n
}

func one(c httpx.Call) []Request { return []Request{{Call: c}} }

var refusedEach = Each(Refused)
var unauthorizedNoToken = Each(All(Status(http.StatusUnauthorized), NoToken))
var clientErrorNoToken = Each(All(ClientError, NoToken))

// ---- POST create -------------------------------------------------------------------------

var CreateWrongPassword = Case{
	Clause: "CREATE-WRONG-PASSWORD", Lockout: true, FirstWrongPassword: 1,
	Build: func(ev Evidence) ([]Request, error) {
		if ev.Password == WrongPassword {
			return nil, errors.New("the configured password is the suite's fixed wrong password; no wrong password is left to send")
		}
		return []Request{{Call: ev.logIn("create-wrong-password", ev.Email, WrongPassword), WrongPassword: true}}, nil
	},
	Judge: unauthorizedNoToken,
}

var CreateUnknownEmail = Case{
	Clause: "CREATE-UNKNOWN-EMAIL", Lockout: true,
	Build: func(ev Evidence) ([]Request, error) {
		return one(ev.logIn("create-unknown-email", UnknownEmail, WrongPassword)), nil
	},
	Judge: unauthorizedNoToken,
}

var CreateNoEnumeration = Case{
	Clause: "CREATE-NO-ENUMERATION", Lockout: true, FirstWrongPassword: 2,
	Build: func(ev Evidence) ([]Request, error) {
		if ev.Password == WrongPassword {
			return nil, errors.New("the configured password is the suite's fixed wrong password; no wrong password is left to send")
		}
		return []Request{
			{Call: ev.logIn("create-enumeration-wrong-password", ev.Email, WrongPassword), WrongPassword: true},
			{Call: ev.logIn("create-enumeration-unknown-email", UnknownEmail, WrongPassword)},
		}, nil
	},
	Judge: SameAnswer,
}

var CreateOversized = Case{
	Clause: "CREATE-OVERSIZED",
	Build: func(ev Evidence) ([]Request, error) {
		// No password field: should the server read it all, it must still not be a log-in.
		body := object("email", BogusEmail, "padding", strings.Repeat("a", OversizedBytes))
		return one(ev.create("create-oversized", body)), nil
	},
	Judge: clientErrorNoToken,
}

var CreateMalformed = malformedCase("CREATE-MALFORMED", "create-malformed",
	func(ev Evidence, step string, body []byte) httpx.Call { return ev.create(step, body) }, "email", "password")

// ---- GET /users/me/ ----------------------------------------------------------------------

var MeBearer = Case{
	Clause: "ME-BEARER",
	Build: func(ev Evidence) ([]Request, error) {
		if strings.EqualFold(ev.Scheme, "Bearer") {
			return nil, errors.New("the configured scheme (auth.scheme) is Bearer itself")
		}
		return meWith(ev, "me-bearer", func(access string) (string, error) { return "Bearer " + access, nil })
	},
	Judge: refusedEach,
}

var MeLowercaseScheme = Case{
	Clause: "ME-LOWERCASE-SCHEME",
	Build: func(ev Evidence) ([]Request, error) {
		other := strings.ToLower(ev.Scheme)
		if other == ev.Scheme {
			other = strings.ToUpper(ev.Scheme)
		}
		if other == ev.Scheme {
			return nil, fmt.Errorf("the configured scheme %q has no letters to change the case of", ev.Scheme)
		}
		return meWith(ev, "me-lowercase-scheme", func(access string) (string, error) { return other + " " + access, nil })
	},
	Judge: refusedEach,
}

var MeExtraParts = Case{
	Clause: "ME-EXTRA-PARTS",
	Build: func(ev Evidence) ([]Request, error) {
		return meWith(ev, "me-extra-parts", func(access string) (string, error) { return ev.Scheme + " " + access + " extra", nil })
	},
	Judge: refusedEach,
}

var MeGarbage = Case{
	Clause: "ME-GARBAGE",
	Build: func(ev Evidence) ([]Request, error) {
		return one(ev.me("me-garbage", ev.Scheme+" "+Garbage)), nil
	},
	Judge: refusedEach,
}

var MeTampered = Case{
	Clause: "ME-TAMPERED",
	Build:  func(ev Evidence) ([]Request, error) { return meForged(ev, "me-tampered", Tamper) },
	Judge:  refusedEach,
}

var MeSigStripped = Case{
	Clause: "ME-SIG-STRIPPED",
	Build:  func(ev Evidence) ([]Request, error) { return meForged(ev, "me-sig-stripped", StripSignature) },
	Judge:  refusedEach,
}

// algNoneSpellings are the spellings of "none" a case-insensitive check might let through.
var algNoneSpellings = []struct{ step, alg string }{
	{"me-alg-none", "none"}, {"me-alg-none-capitalised", "None"}, {"me-alg-none-upper", "NONE"},
}

var MeAlgNone = Case{
	Clause: "ME-ALG-NONE",
	Build: func(ev Evidence) ([]Request, error) {
		var out []Request
		for _, s := range algNoneSpellings {
			r, err := meForged(ev, s.step, func(raw string) (string, error) { return AlgNone(raw, s.alg) })
			if err != nil {
				return nil, err
			}
			out = append(out, r...)
		}
		return out, nil
	},
	Judge: refusedEach,
}

var MeAlgChanged = Case{
	Clause: "ME-ALG-CHANGED",
	Build: func(ev Evidence) ([]Request, error) {
		if err := ev.superseded("signed with the key under another HMAC algorithm"); err != nil {
			return nil, err
		}
		return meForged(ev, "me-alg-changed", func(raw string) (string, error) { return WithHeaderAlg(raw, OtherHMAC(issuedAlg(raw))) })
	},
	Judge: refusedEach,
}

var MeAlgChangedSigned = Case{
	Clause: "ME-ALG-CHANGED", Keyed: true,
	Build: func(ev Evidence) ([]Request, error) {
		return meForged(ev, "me-alg-changed-signed", func(raw string) (string, error) {
			return Resign(raw, ev.Key, OtherHMAC(issuedAlg(raw)), func(map[string]any) {})
		})
	},
	Judge: refusedEach,
}

var MeExpiredSigned = Case{
	Clause: "ME-EXPIRED-SIGNED", Keyed: true,
	Build: func(ev Evidence) ([]Request, error) {
		return meForged(ev, "me-expired-signed", func(raw string) (string, error) {
			return Resign(raw, ev.Key, ev.Algorithm, expired(ev, ev.AccessLifetime))
		})
	},
	Judge: refusedEach,
}

var MeNbfFuture = Case{
	Clause: "ME-NBF-FUTURE", Keyed: true,
	Build: func(ev Evidence) ([]Request, error) {
		return meForged(ev, "me-nbf-future", func(raw string) (string, error) {
			return Resign(raw, ev.Key, ev.Algorithm, func(c map[string]any) {
				nbf := ev.Now.Add(time.Hour)
				c["nbf"] = nbf.Unix()
				c["exp"] = nbf.Add(ev.AccessLifetime).Unix()
				if _, ok := c["iat"]; ok {
					c["iat"] = ev.Now.Unix()
				}
			})
		})
	},
	Judge: refusedEach,
}

// requiredClaims are what simplejwt needs of every token besides the user's id.
var requiredClaims = []string{"exp", "jti", "token_type"}

var MeMissingClaim = Case{
	Clause: "ME-MISSING-CLAIM", Keyed: true,
	Build: func(ev Evidence) ([]Request, error) {
		var out []Request
		for _, name := range requiredClaims {
			r, err := meForged(ev, "me-missing-"+strings.ReplaceAll(name, "_", "-"), func(raw string) (string, error) {
				return Resign(raw, ev.Key, ev.Algorithm, func(c map[string]any) {
					// Valid for its whole life otherwise, so only the missing claim can fail it.
					c["exp"] = ev.Now.Add(ev.AccessLifetime).Unix()
					delete(c, name)
				})
			})
			if err != nil {
				return nil, err
			}
			out = append(out, r...)
		}
		return out, nil
	},
	Judge: refusedEach,
}

// issuedAlg is the algorithm a token's header names. "Another algorithm" is another than the
// server issued with: which one it issues with is TOKEN-HEADER's to judge.
func issuedAlg(raw string) string {
	t, err := tokens.Parse(raw)
	if err != nil {
		return ""
	}
	alg, _ := t.Header["alg"].(string)
	return alg
}

// meWith builds a /users/me/ request whose Authorization header is made from the access token.
func meWith(ev Evidence, step string, header func(access string) (string, error)) ([]Request, error) {
	if err := ev.needAccess(); err != nil {
		return nil, err
	}
	h, err := header(ev.Access)
	if err != nil {
		return nil, err
	}
	return one(ev.me(step, h)), nil
}

// meForged sends a forgery of the access token under the configured scheme.
func meForged(ev Evidence, step string, forge func(string) (string, error)) ([]Request, error) {
	return meWith(ev, step, func(access string) (string, error) {
		forged, err := forge(access)
		if err != nil {
			return "", fmt.Errorf("cannot forge from create's access token: %v (see TOKEN-JWS)", err)
		}
		return ev.Scheme + " " + forged, nil
	})
}

// expired makes claims expire 60 s plus the clock skew before now, however the two clocks
// differ: a server that enforces exp at all must refuse it.
func expired(ev Evidence, lifetime time.Duration) func(map[string]any) {
	return func(c map[string]any) {
		exp := ev.Now.Add(-time.Minute - ev.Skew)
		c["exp"] = exp.Unix()
		if _, ok := c["iat"]; ok {
			c["iat"] = exp.Add(-lifetime).Unix()
		}
	}
}

// ---- refresh -----------------------------------------------------------------------------

var RefreshWithAccess = Case{
	Clause: "REFRESH-WITH-ACCESS",
	Build: func(ev Evidence) ([]Request, error) {
		if err := ev.needAccess(); err != nil {
			return nil, err
		}
		return one(ev.refreshWith("refresh-with-access", ev.Access)), nil
	},
	Judge: unauthorizedNoToken,
}

var RefreshTampered = Case{
	Clause: "REFRESH-TAMPERED",
	Build: func(ev Evidence) ([]Request, error) {
		return refreshForged(ev, "refresh-tampered", Tamper)
	},
	Judge: unauthorizedNoToken,
}

var RefreshExpiredExample = Case{
	Clause: "REFRESH-EXPIRED",
	Build: func(ev Evidence) ([]Request, error) {
		if err := ev.superseded("a refresh token signed with the key that expired 60 s + clock skew ago"); err != nil {
			return nil, err
		}
		return one(ev.refreshWith("refresh-expired-example", PageRefreshToken)), nil
	},
	Judge: unauthorizedNoToken,
}

var RefreshExpiredSigned = Case{
	Clause: "REFRESH-EXPIRED", Keyed: true,
	Build: func(ev Evidence) ([]Request, error) {
		return refreshForged(ev, "refresh-expired-signed", func(raw string) (string, error) {
			return Resign(raw, ev.Key, ev.Algorithm, expired(ev, ev.RefreshLifetime))
		})
	},
	Judge: unauthorizedNoToken,
}

var RefreshMalformed = malformedCase("REFRESH-MALFORMED", "refresh-malformed",
	func(ev Evidence, step string, body []byte) httpx.Call { return ev.refresh(step, body) }, "refresh")

func refreshForged(ev Evidence, step string, forge func(string) (string, error)) ([]Request, error) {
	if err := ev.needRefresh(); err != nil {
		return nil, err
	}
	forged, err := forge(ev.Refresh)
	if err != nil {
		return nil, fmt.Errorf("cannot forge from create's refresh token: %v (see TOKEN-JWS)", err)
	}
	return one(ev.refreshWith(step, forged)), nil
}

// malformedCase sends the first ev.Malformed bodies of an endpoint's family, each its own step.
func malformedCase(clause, prefix string, call func(ev Evidence, step string, body []byte) httpx.Call, fields ...string) Case {
	family := Malformed(fields...)
	kinds := map[string]string{}
	for i, b := range family {
		kinds[MalformedStep(prefix, i)] = b.Kind
	}
	each := All(ClientError, JSONBody, NoToken)
	// A failure names what was wrong with the body, not only its number.
	judge := Each(func(ex *httpx.Exchange) string {
		if p := each(ex); p != "" {
			return strings.Replace(p, ex.Step+":", fmt.Sprintf("%s (%s):", ex.Step, kinds[ex.Step]), 1)
		}
		return ""
	})
	return Case{
		Clause: clause, Fuzz: true,
		Build: func(ev Evidence) ([]Request, error) {
			if ev.Malformed <= 0 {
				return nil, errors.New("safety.malformed_bodies (ZS_MALFORMED_BODIES) is 0: no malformed body is sent")
			}
			var out []Request
			for i, b := range family[:min(ev.Malformed, len(family))] {
				out = append(out, Request{Call: call(ev, MalformedStep(prefix, i), b.Data)})
			}
			return out, nil
		},
		Judge: judge,
	}
}

// MalformedStep names the i-th (0-based) malformed body's step: create-malformed-01, ….
func MalformedStep(prefix string, i int) string { return fmt.Sprintf("%s-%02d", prefix, i+1) }

// Cases lists every case in table order; FirstWrongPassword numbers follow it.
func Cases() []Case {
	return []Case{
		CreateWrongPassword, CreateUnknownEmail, CreateNoEnumeration,
		CreateOversized, CreateMalformed,
		CreateNullField, CreateWrongType, CreateLongField, CreateLongBoth, CreateBlankFields,
		MeBearer, MeLowercaseScheme, MeExtraParts, MeGarbage, MeTampered,
		MeSigStripped, MeAlgNone, MeAlgChanged, MeAlgChangedSigned, MeExpiredSigned, MeNbfFuture,
		MeMissingClaim, MeEmptyHeader, MeLongHeader, MeLongerHeader,
		RefreshWithAccess, RefreshTampered, RefreshExpiredExample,
		RefreshExpiredSigned, RefreshMalformed,
		RefreshEmptyField, RefreshBlankField, RefreshNullField, RefreshWrongType, RefreshWrongTypeObject,
		RefreshLongField, RefreshOversized,
	}
}
