package mockserver

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"github.com/zonesmart/jwt-conformance/fixtures"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The page's own example tokens. They were signed with the production key, which the mock does
// not have; it takes their signatures as valid so that they are refused for what the real
// server refuses them for, their expiry (see ME-EXPIRED-EXAMPLE).
var pageTokens = map[string]bool{
	fixtures.PageRefreshToken:         true,
	fixtures.PageAccessToken:          true,
	fixtures.PageRefreshedAccessToken: true,
}

const (
	typeRefresh = "refresh"
	typeAccess  = "access"
)

// accessType is the token_type value this server writes on, and expects of, access tokens.
func (s *Server) accessType() string {
	if s.on(faultClaimTokenTypeBearer) {
		return "bearer"
	}
	return typeAccess
}

// foreignKey derives a key that differs from the configured one, for the foreign-key fault.
func foreignKey(key []byte) []byte {
	sum := sha256.Sum256(append([]byte("another deployment's key:"), key...))
	return sum[:]
}

// newJTI is uuid4().hex, as simplejwt writes it.
func (s *Server) newJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	switch {
	case s.on(faultClaimJTIUppercase):
		return strings.ToUpper(h)
	case s.on(faultClaimJTIDashed):
		return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	}
	return h
}

// expClaim writes the expiry of a token issued at `at`: whole seconds, as simplejwt truncates.
func (s *Server) expClaim(at time.Time, lifetime time.Duration) any {
	exp := at.Add(lifetime)
	switch {
	case s.on(faultClaimExpString):
		return strconv.FormatInt(exp.Unix(), 10)
	case s.on(faultClaimExpFloat):
		// Python's time.time() arithmetic keeps the fraction. It is quantised to 1/1024 s so
		// that differences between exps stay exact, and never zero so that it always shows.
		frac := float64(exp.Nanosecond()*1024/1_000_000_000) / 1024
		if frac == 0 {
			frac = 0.5
		}
		return float64(exp.Unix()) + frac
	}
	return exp.Unix()
}

// identityClaims are the claims a create writes besides token_type, exp and jti.
func (s *Server) identityClaims(u User) jwt.MapClaims {
	c := jwt.MapClaims{}
	if s.on(faultClaimUserIDString) {
		c["user_id"] = strconv.FormatInt(u.ID, 10)
	} else {
		c["user_id"] = u.ID
	}
	switch {
	case s.on(faultClaimEmailMissing):
	case s.on(faultClaimEmailUsername):
		c["email"] = u.Username
	default:
		c["email"] = u.Email
	}
	switch {
	case s.on(faultClaimPhoneNumber):
		n, _ := strconv.ParseInt(strings.TrimPrefix(deref(u.Phone), "+"), 10, 64)
		c["phone"] = n
	case u.Phone == nil:
		c["phone"] = nil
	default:
		c["phone"] = *u.Phone
	}
	if !s.on(faultClaimUsernameMissing) {
		c["username"] = u.Username
	}
	switch {
	case s.on(faultClaimAccessUntilBool):
		c["access_until"] = u.AccessUntil != nil
	case u.AccessUntil == nil:
		c["access_until"] = nil
	default:
		c["access_until"] = u.AccessUntil.UTC().Format(time.RFC3339)
	}
	if s.on(faultClaimHasAccessString) {
		c["has_access"] = strconv.FormatBool(u.HasAccess)
	} else {
		c["has_access"] = u.HasAccess
	}
	if s.on(faultClaimExtraIss) {
		c["iss"] = "zonesmart"
	}
	return c
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// fresh returns a copy of base stamped as a new token of the given type issued at `at`.
func (s *Server) fresh(base jwt.MapClaims, tokenType string, at time.Time, lifetime time.Duration, jti string) jwt.MapClaims {
	c := jwt.MapClaims{}
	for k, v := range base {
		c[k] = v
	}
	if tokenType == typeRefresh && s.on(faultClaimTokenTypeMissingRefresh) {
		delete(c, "token_type")
	} else {
		c["token_type"] = tokenType
	}
	c["exp"] = s.expClaim(at, lifetime)
	c["jti"] = jti
	if s.issuedAt {
		c["iat"] = at.Unix()
	}
	return c
}

// pair issues the create answer's tokens. Both are issued at the same instant, as simplejwt
// derives the access token from the refresh token.
func (s *Server) pair(u User, now time.Time) (refresh, access string, err error) {
	accessAt, refreshAt := now, now
	switch {
	case s.on(faultPairRefreshEarly30m):
		refreshAt = now.Add(-30 * time.Minute)
	case s.on(faultPairClockReadTwice):
		refreshAt = now.Add(time.Second)
	}
	refreshLifetime := s.refreshLifetime
	switch {
	case s.on(faultLifetimeRefresh89d):
		refreshLifetime -= 24 * time.Hour
	case s.on(faultLifetimeRefreshPlus1h):
		refreshLifetime += time.Hour
	}
	refreshJTI, accessJTI := s.newJTI(), s.newJTI()
	if s.on(faultJTISharedInPair) {
		accessJTI = refreshJTI
	}
	base := s.identityClaims(u)
	refresh, err = s.sign(s.fresh(base, typeRefresh, refreshAt, refreshLifetime, refreshJTI))
	if err != nil {
		return "", "", err
	}
	access, err = s.sign(s.fresh(base, s.accessType(), accessAt, s.accessLifetimeFor(false), accessJTI))
	if err != nil {
		return "", "", err
	}
	if s.on(faultRefreshReusesAccessJTI) || s.on(faultRefreshAccessUnregistered) {
		s.mu.Lock()
		s.accessOfPair[refreshJTI] = accessJTI
		s.registeredJTIs[accessJTI] = true
		s.mu.Unlock()
	}
	return refresh, access, nil
}

func (s *Server) accessLifetimeFor(refreshed bool) time.Duration {
	d := s.accessLifetime
	switch {
	case s.on(faultLifetimeAccess3h):
		d += time.Hour
	case s.on(faultLifetimeAccessPlus60s):
		d += time.Minute
	}
	if refreshed && s.on(faultRefreshLifetime3h) {
		d += time.Hour
	}
	return d
}

// refreshedAccess derives a new access token from a refresh token's claims the way simplejwt's
// RefreshToken.access_token does: every claim is copied except token_type, exp and jti, so iat
// and the custom claims are those of the log-in.
func (s *Server) refreshedAccess(refresh jwt.MapClaims, now time.Time) (string, error) {
	base := jwt.MapClaims{}
	for k, v := range refresh {
		switch k {
		case "token_type", "exp", "jti":
		default:
			base[k] = v
		}
	}
	if s.on(faultRefreshIdentityDrift) {
		// Claims re-read from an account row that changed since the log-in.
		hasAccess, _ := refresh["has_access"].(bool)
		base["has_access"] = !hasAccess
	}
	refreshJTI, _ := refresh["jti"].(string)
	jti := s.newJTI()
	switch {
	case s.on(faultRefreshCopiesJTI) && refreshJTI != "":
		jti = refreshJTI
	case s.on(faultRefreshReusesAccessJTI):
		s.mu.Lock()
		if old, ok := s.accessOfPair[refreshJTI]; ok {
			jti = old
		}
		s.mu.Unlock()
	}
	c := s.fresh(base, s.accessType(), now, s.accessLifetimeFor(true), jti)
	if iat, ok := refresh["iat"]; ok {
		c["iat"] = iat
	} else {
		delete(c, "iat")
	}
	return s.sign(c)
}

// rotated is the new refresh token ROTATE_REFRESH_TOKENS hands out: same claims, new jti, exp
// and iat.
func (s *Server) rotated(refresh jwt.MapClaims, now time.Time) (string, error) {
	base := jwt.MapClaims{}
	for k, v := range refresh {
		base[k] = v
	}
	return s.sign(s.fresh(base, typeRefresh, now, s.refreshLifetime, s.newJTI()))
}

func (s *Server) sign(c jwt.MapClaims) (string, error) {
	method := jwt.SigningMethod(jwt.SigningMethodHS256)
	if s.on(faultHeaderAlgHS512) {
		method = jwt.SigningMethodHS512
	}
	t := jwt.NewWithClaims(method, c)
	if s.on(faultHeaderTypMissing) {
		delete(t.Header, "typ")
	}
	signed, err := t.SignedString(s.key)
	if err != nil {
		return "", err
	}
	if s.on(faultTokenPadded) {
		// base64.urlsafe_b64encode without the rstrip("=").
		if n := len(signed[strings.LastIndexByte(signed, '.')+1:]) % 4; n != 0 {
			signed += strings.Repeat("=", 4-n)
		}
	}
	return signed, nil
}

// tokenError is why a token was refused. malformed marks a token that is not a JWS at all.
type tokenError struct {
	message   string
	malformed bool
}

func (e *tokenError) Error() string { return e.message }

var (
	errTokenInvalid = &tokenError{message: "Token is invalid or expired"}
	errWrongType    = &tokenError{message: "Token has wrong type"}
	errNoType       = &tokenError{message: "Token has no type"}
	errNoID         = &tokenError{message: "Token has no id"}
)

// verify checks a token the way simplejwt (over PyJWT) does: HS256 signature with the key, exp
// and nbf against the server's clock, jti present, token_type as wanted. Numeric claims are read
// as PyJWT reads them (int() of a number or of a string of digits), so that the server accepts
// what it issues under the claim-type faults.
func (s *Server) verify(raw, want string, now time.Time) (jwt.MapClaims, *tokenError) {
	claims := jwt.MapClaims{}
	unverified := jwt.NewParser(jwt.WithJSONNumber(), jwt.WithPaddingAllowed())
	var err error
	switch {
	case pageTokens[raw], s.on(faultSignatureNotChecked), s.on(faultAlgNoneAccepted) && algIsNone(raw):
		_, _, err = unverified.ParseUnverified(raw, claims)
	default:
		opts := []jwt.ParserOption{jwt.WithJSONNumber(), jwt.WithValidMethods(s.validMethods), jwt.WithoutClaimsValidation()}
		if s.on(faultTokenPadded) {
			opts = append(opts, jwt.WithPaddingAllowed())
		}
		_, err = jwt.NewParser(opts...).ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return s.verifyKey, nil })
	}
	if err != nil {
		return nil, &tokenError{message: errTokenInvalid.message, malformed: errors.Is(err, jwt.ErrTokenMalformed)}
	}

	lenient := s.on(faultRequiredClaimsUnchecked)
	nowSeconds := float64(now.UnixNano()) / 1e9
	exp, present, ok := numericClaim(claims, "exp")
	switch {
	case !present && !lenient:
		return nil, errTokenInvalid
	case present && !ok:
		return nil, errTokenInvalid
	case present && exp <= nowSeconds:
		skip := (want == typeAccess && s.on(faultMeAcceptsExpired)) ||
			(want == typeRefresh && s.on(faultRefreshAcceptsExpired))
		if !skip {
			return nil, errTokenInvalid
		}
	}
	if nbf, present, ok := numericClaim(claims, "nbf"); present && !s.on(faultNbfIgnored) {
		if !ok || nbf > nowSeconds {
			return nil, errTokenInvalid
		}
	}
	if _, has := claims["jti"]; !has && !lenient {
		return nil, errNoID
	}
	tokenType, has := claims["token_type"]
	if !has {
		if lenient || (want == typeRefresh && s.on(faultClaimTokenTypeMissingRefresh)) {
			return claims, nil
		}
		return nil, errNoType
	}
	accepted := map[string]bool{}
	if want == typeAccess {
		accepted[s.accessType()] = true
		if s.on(faultMeAcceptsRefresh) {
			accepted[typeRefresh] = true
		}
	} else {
		accepted[typeRefresh] = true
		if s.on(faultRefreshAcceptsAccess) {
			accepted[s.accessType()] = true
		}
	}
	if str, ok := tokenType.(string); !ok || !accepted[str] {
		return nil, errWrongType
	}
	return claims, nil
}

// algIsNone reports whether a token's header says alg "none": the naive check that skips
// verification for such a token whatever its signature segment holds.
func algIsNone(raw string) bool {
	head, _, ok := strings.Cut(raw, ".")
	if !ok {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(head, "="))
	if err != nil {
		return false
	}
	var h struct {
		Alg string `json:"alg"`
	}
	return json.Unmarshal(b, &h) == nil && strings.EqualFold(h.Alg, "none")
}

// numericClaim reads a time claim as PyJWT's int(): a JSON number, or a string of digits.
func numericClaim(claims jwt.MapClaims, name string) (value float64, present, ok bool) {
	raw, present := claims[name]
	if !present {
		return 0, false, false
	}
	var f float64
	var err error
	switch v := raw.(type) {
	case json.Number:
		f, err = v.Float64()
	case string:
		var n int64
		n, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		f = float64(n)
	default:
		return 0, true, false
	}
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, true, false
	}
	return f, true, true
}

// userIDClaim reads user_id as Django's lookup does: an integer, or a string of digits.
func userIDClaim(claims jwt.MapClaims) (int64, bool) {
	switch v := claims["user_id"].(type) {
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}
