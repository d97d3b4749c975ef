// Package mock is a small stand-in for the Zonesmart authentication API, the kind a team
// writes to test its client against: one account, HS256 tokens from golang-jwt, and the three
// endpoints of the page. It keeps no state beyond its key, so it restarts cleanly.
package mock

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Lifetimes the page gives.
const (
	AccessLifetime  = 2 * time.Hour
	RefreshLifetime = 90 * 24 * time.Hour
)

// maxBody bounds a request body: a log-in needs a few hundred bytes.
const maxBody = 64 << 10

// Options configures the mock.
type Options struct {
	Email, Password string
	SigningKey      []byte
	// AcceptRefreshAsAccess is a deliberate bug: /users/me/ takes a refresh token too, as a
	// mock that forgets to check token_type would.
	AcceptRefreshAsAccess bool
}

type server struct{ Options }

// New returns the mock's handler.
func New(o Options) http.Handler {
	s := &server{o}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/zonesmart/auth/jwt/create/", s.create)
	mux.HandleFunc("GET /users/me/", s.me)
	// The page shows GET with a JSON body; djoser answers POST. Both are served.
	mux.HandleFunc("GET /auth/jwt/refresh/", s.refresh)
	mux.HandleFunc("POST /auth/jwt/refresh/", s.refresh)
	return mux
}

func (s *server) create(w http.ResponseWriter, r *http.Request) {
	body, ok := fields(w, r, "email", "password")
	if !ok {
		return
	}
	// One answer for a wrong password and an unknown email: nobody learns which accounts exist.
	if body["email"] != s.Email || body["password"] != s.Password {
		reply(w, http.StatusUnauthorized, map[string]string{"detail": "No active account found with the given credentials"})
		return
	}
	now := time.Now()
	reply(w, http.StatusOK, map[string]string{"refresh": s.mint("refresh", now, RefreshLifetime), "access": s.mint("access", now, AccessLifetime)})
}

func (s *server) me(w http.ResponseWriter, r *http.Request) {
	h := r.Header.Get("Authorization")
	if h == "" {
		w.Header().Set("WWW-Authenticate", `JWT realm="api"`)
		reply(w, http.StatusUnauthorized, map[string]string{"detail": "Authentication credentials were not provided."})
		return
	}
	scheme, token, ok := strings.Cut(h, " ")
	want := "access"
	claims, err := s.parse(token)
	if err == nil && s.AcceptRefreshAsAccess && claims["token_type"] == "refresh" {
		want = "refresh"
	}
	if !ok || scheme != "JWT" || strings.Contains(token, " ") || err != nil || claims["token_type"] != want {
		reply(w, http.StatusUnauthorized, map[string]string{"detail": "Given token not valid for any token type"})
		return
	}
	reply(w, http.StatusOK, map[string]any{"id": 1, "email": s.Email})
}

func (s *server) refresh(w http.ResponseWriter, r *http.Request) {
	body, ok := fields(w, r, "refresh")
	if !ok {
		return
	}
	claims, err := s.parse(body["refresh"])
	if err != nil || claims["token_type"] != "refresh" {
		reply(w, http.StatusUnauthorized, map[string]string{"detail": "Token is invalid or expired"})
		return
	}
	reply(w, http.StatusOK, map[string]string{"access": s.mint("access", time.Now(), AccessLifetime)})
}

// mint signs a token with the page's nine claims.
func (s *server) mint(kind string, now time.Time, life time.Duration) string {
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"token_type": kind, "exp": now.Add(life).Unix(), "jti": hex.EncodeToString(id),
		"user_id": 1, "email": s.Email, "phone": nil, "username": "admin", "access_until": nil, "has_access": false,
	})
	signed, err := t.SignedString(s.SigningKey)
	if err != nil {
		panic(err) // only an empty key fails, which New's caller controls
	}
	return signed
}

// parse verifies a token: HS256 only, signed with the key, not expired, not before its nbf,
// and carrying the claims the mock relies on.
func (s *server) parse(token string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return s.SigningKey, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())
	if err != nil {
		return nil, err
	}
	if _, ok := claims["jti"].(string); !ok {
		return nil, errors.New("no jti")
	}
	return claims, nil
}

// fields reads a JSON object body and the named string fields of it, answering 4xx itself,
// with an error naming each field that is missing, empty or not a string, when it cannot.
func fields(w http.ResponseWriter, r *http.Request, names ...string) (map[string]string, bool) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		reply(w, http.StatusUnsupportedMediaType, map[string]string{"detail": "Send a JSON body (Content-Type: application/json)."})
		return nil, false
	}
	var body any
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.UseNumber()
	err := dec.Decode(&body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		reply(w, http.StatusRequestEntityTooLarge, map[string]string{"detail": "The body is too large."})
		return nil, false
	case err != nil:
		reply(w, http.StatusBadRequest, map[string]string{"detail": "JSON parse error."})
		return nil, false
	}
	object, isObject := body.(map[string]any)
	if body != nil && !isObject {
		reply(w, http.StatusBadRequest, map[string][]string{"non_field_errors": {"Invalid data. Expected a dictionary."}})
		return nil, false
	}
	values, problems := map[string]string{}, map[string][]string{}
	for _, name := range names {
		switch v := object[name].(type) {
		case string:
			if v == "" {
				problems[name] = []string{"This field may not be blank."}
			}
			values[name] = v
		case json.Number: // as Django REST framework does, a number is taken as its text
			values[name] = v.String()
		case nil:
			problems[name] = []string{"This field is required."}
		default:
			problems[name] = []string{"Not a valid string."}
		}
	}
	if len(problems) > 0 {
		reply(w, http.StatusBadRequest, problems)
		return nil, false
	}
	return values, true
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
