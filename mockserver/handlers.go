package mockserver

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Answers of the real stack, word for word (DRF 3.14, simplejwt 5.2, djoser 2.1).
const (
	msgNoActiveAccount = "No active account found with the given credentials"
	msgNotProvided     = "Authentication credentials were not provided."
	msgBadHeader       = "Authorization header must contain two space-delimited values"
	msgNotValidAny     = "Given token not valid for any token type"
	msgNoUserID        = "Token contained no recognizable user identification"
	msgUserNotFound    = "User not found"
	msgBlacklisted     = "Token is blacklisted"
)

func (s *Server) userByEmail(email string) (User, bool) {
	for _, u := range s.users {
		if u.Email == email {
			return u, true
		}
	}
	return User{}, false
}

func (s *Server) userByID(id int64) (User, bool) {
	for _, u := range s.users {
		if u.ID == id {
			return u, true
		}
	}
	return User{}, false
}

// create is simplejwt's TokenObtainPairView behind djoser's route.
func (s *Server) create(w http.ResponseWriter, r *http.Request, now time.Time) {
	raw, ok := s.readData(w, r, endpointCreate)
	if !ok {
		return
	}
	data, isObject := raw.(map[string]any)
	if !isObject {
		if s.on(faultCreateMalformed500) {
			serverError(w)
			return
		}
		notADictionary(w, raw)
		return
	}
	if s.on(faultCreateLongField500) && anyLong(data, "email", "password") {
		serverError(w)
		return
	}
	if s.on(faultCreateWrongTypeCoerced) {
		data = coerced(data, "email", "password")
	}
	values, errs := fieldErrors(data, "email", "password")
	if errs != nil {
		if (s.on(faultCreateMissingField500) && onlyMissing(errs)) ||
			(s.on(faultCreateMalformed500) && !onlyMissing(errs)) ||
			(s.on(faultCreateNullField500) && anyNull(errs)) {
			serverError(w)
			return
		}
		s.fieldErrorAnswer(w, faultCreateErrorsListed, errs)
		return
	}

	user, known := s.userByEmail(values["email"])
	passwordOK := known && subtle.ConstantTimeCompare([]byte(user.Password), []byte(values["password"])) == 1
	if !passwordOK {
		switch {
		case s.on(faultBadCredentials400):
			writeJSON(w, http.StatusBadRequest, object{{"non_field_errors", []string{"Unable to log in with provided credentials."}}})
			return
		case known && s.on(faultWrongPassword500):
			serverError(w)
			return
		case known && s.on(faultWrongPassword200):
			// The password check is skipped: the account's tokens are issued anyway.
		case !known && s.on(faultUnknownEmailDistinct):
			s.unauthorized(w, object{{"detail", "No account found with this email"}})
			return
		default:
			// The same answer for an unknown email and a wrong password: no user enumeration.
			s.unauthorized(w, object{{"detail", msgNoActiveAccount}})
			return
		}
	}

	refresh, access, err := s.pair(user, now)
	if err != nil {
		serverError(w)
		return
	}
	body := object{{"refresh", refresh}, {"access", access}}
	switch {
	case s.on(faultCreateAccessRenamed):
		body = object{{"refresh", refresh}, {"access_token", access}}
	case s.on(faultCreateRefreshMissing):
		body = object{{"access", access}}
	case s.on(faultCreateExtraUser):
		body = append(body, field{"user", object{{"id", user.ID}, {"email", user.Email}}})
	}
	status, contentType := http.StatusOK, "application/json"
	if s.on(faultCreateStatus201) {
		status = http.StatusCreated
	}
	if s.on(faultCreateContentTypeHTML) {
		contentType = "text/html; charset=utf-8"
	}
	writeTyped(w, status, contentType, body)
}

// refresh is simplejwt's TokenRefreshView, answering the page's GET with a JSON body as well as
// POST.
func (s *Server) refresh(w http.ResponseWriter, r *http.Request, now time.Time) {
	raw, ok := s.readData(w, r, endpointRefresh)
	if !ok {
		return
	}
	data, isObject := raw.(map[string]any)
	if !isObject {
		if s.on(faultRefreshMalformed500) {
			serverError(w)
			return
		}
		notADictionary(w, raw)
		return
	}
	if s.on(faultRefreshLongField500) && anyLong(data, "refresh") {
		serverError(w)
		return
	}
	if s.on(faultRefreshWrongTypeCoerced) {
		data = coerced(data, "refresh")
	}
	if v, isString := data["refresh"].(string); isString && strings.TrimSpace(v) == "" && s.on(faultRefreshBlankAsToken) {
		s.unauthorized(w, object{{"detail", errTokenInvalid.message}, {"code", "token_not_valid"}})
		return
	}
	values, errs := fieldErrors(data, "refresh")
	if errs != nil {
		if (s.on(faultRefreshMissingField500) && onlyMissing(errs)) ||
			(s.on(faultRefreshMalformed500) && !onlyMissing(errs)) ||
			(s.on(faultRefreshNullField500) && anyNull(errs)) {
			serverError(w)
			return
		}
		s.fieldErrorAnswer(w, faultRefreshErrorsListed, errs)
		return
	}

	claims, terr := s.verify(values["refresh"], typeRefresh, now)
	if terr != nil {
		if terr.malformed && s.on(faultRefreshGarbage500) {
			serverError(w)
			return
		}
		s.unauthorized(w, object{{"detail", terr.message}, {"code", "token_not_valid"}})
		return
	}
	if s.on(faultRefreshSingleUse) {
		jti, _ := claims["jti"].(string)
		s.mu.Lock()
		used := s.usedRefresh[jti]
		s.usedRefresh[jti] = true
		s.mu.Unlock()
		if used {
			s.unauthorized(w, object{{"detail", msgBlacklisted}, {"code", "token_not_valid"}})
			return
		}
	}

	access, err := s.refreshedAccess(claims, now)
	if err != nil {
		serverError(w)
		return
	}
	body := object{{"access", access}}
	if s.on(faultRefreshAccessRenamed) {
		body = object{{"access_token", access}}
	}
	if s.on(faultRefreshRotates) {
		next, err := s.rotated(claims, now)
		if err != nil {
			serverError(w)
			return
		}
		body = append(body, field{"refresh", next})
	}
	status, contentType := http.StatusOK, "application/json"
	if s.on(faultRefreshStatus201) {
		status = http.StatusCreated
	}
	if s.on(faultRefreshContentTypeHTML) {
		contentType = "text/html; charset=utf-8"
	}
	writeTyped(w, status, contentType, body)
}

// me is djoser's /users/me/ behind simplejwt's JWTAuthentication.
func (s *Server) me(w http.ResponseWriter, r *http.Request, now time.Time) {
	header := r.Header.Get("Authorization")
	_, present := r.Header["Authorization"]
	if (present && strings.TrimSpace(header) == "" && s.on(faultMeEmptyHeader500)) ||
		(len(header) > longValueBytes && s.on(faultMeLongHeader500)) {
		serverError(w)
		return
	}
	parts := strings.Fields(header)
	if len(parts) == 0 {
		if s.on(faultMeAnonymous200) {
			writeJSON(w, http.StatusOK, object{{"id", nil}, {"email", ""}})
			return
		}
		s.refuseMe(w, http.StatusUnauthorized, object{{"detail", msgNotProvided}})
		return
	}
	// A scheme the server does not know means "no credentials", not "bad credentials".
	if !s.knownScheme(parts[0]) {
		s.refuseMe(w, http.StatusUnauthorized, object{{"detail", msgNotProvided}})
		return
	}
	switch {
	case len(parts) == 1 && s.on(faultMeSchemeOnly500):
		serverError(w)
		return
	case len(parts) > 2 && s.on(faultMeExtraPartsIgnored):
		parts = parts[:2]
	}
	if len(parts) != 2 {
		s.refuseMe(w, http.StatusUnauthorized, object{{"detail", msgBadHeader}, {"code", "bad_authorization_header"}})
		return
	}

	claims, terr := s.verify(parts[1], typeAccess, now)
	if terr == nil && s.on(faultRefreshAccessUnregistered) {
		jti, _ := claims["jti"].(string)
		s.mu.Lock()
		registered := s.registeredJTIs[jti]
		s.mu.Unlock()
		if !registered {
			terr = errTokenInvalid
		}
	}
	if terr != nil {
		if terr.malformed && s.on(faultMeGarbage500) {
			serverError(w)
			return
		}
		status := http.StatusUnauthorized
		if terr == errWrongType && s.on(faultMeWrongType403) {
			status = http.StatusForbidden
		}
		s.refuseMe(w, status, tokenNotValid(terr))
		return
	}
	id, ok := userIDClaim(claims)
	if !ok {
		s.refuseMe(w, http.StatusUnauthorized, object{{"detail", msgNoUserID}, {"code", "token_not_valid"}})
		return
	}
	user, ok := s.userByID(id)
	if !ok {
		s.refuseMe(w, http.StatusUnauthorized, object{{"detail", msgUserNotFound}, {"code", "user_not_found"}})
		return
	}
	s.meAnswer(w, user)
}

func (s *Server) meAnswer(w http.ResponseWriter, user User) {
	var id any = user.ID
	email := user.Email
	switch {
	case s.on(faultMeIDString):
		id = strconv.FormatInt(user.ID, 10)
	case s.on(faultMeWrongID):
		id = user.ID + 1
	}
	if s.on(faultMeWrongEmail) {
		email = "someone.else+" + email
	}
	body := object{{"id", id}, {"email", email}}
	if s.on(faultMeExtraField) {
		body = append(body, field{"username", user.Username})
	}
	status, contentType := http.StatusOK, "application/json"
	if s.on(faultMeStatus202) {
		status = http.StatusAccepted
	}
	if s.on(faultMeContentTypeHTML) {
		contentType = "text/html; charset=utf-8"
	}
	writeTyped(w, status, contentType, body)
}

// refuseMe answers a refusal of /users/me/: 401 with the challenge, or 403 (which carries none,
// as DRF sends it).
func (s *Server) refuseMe(w http.ResponseWriter, status int, body object) {
	if s.on(faultMeErrorsRenamed) {
		renamed := make(object, len(body))
		for i, f := range body {
			if f.key == "detail" {
				f.key = "error"
			}
			renamed[i] = f
		}
		body = renamed
	}
	if status == http.StatusUnauthorized {
		s.unauthorized(w, body)
		return
	}
	writeJSON(w, status, body)
}

// knownScheme is simplejwt's AUTH_HEADER_TYPES check: exact and case-sensitive.
func (s *Server) knownScheme(scheme string) bool {
	switch {
	case s.on(faultSchemeBearerOnly):
		return scheme == "Bearer"
	case s.on(faultSchemeBearerToo) && scheme == "Bearer":
		return true
	case s.on(faultSchemeCaseInsensitive):
		return strings.EqualFold(scheme, "JWT")
	}
	return scheme == "JWT"
}

// tokenNotValid is JWTAuthentication's answer to a token no token class accepts.
func tokenNotValid(terr *tokenError) object {
	return object{
		{"detail", msgNotValidAny},
		{"code", "token_not_valid"},
		{"messages", []object{{
			{"token_class", "AccessToken"},
			{"token_type", "access"},
			{"message", terr.message},
		}}},
	}
}
