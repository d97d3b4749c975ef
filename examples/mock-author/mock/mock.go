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
	var body struct{ Email, Password string }
	if !decode(w, r, &body) {
		return
	}
	missing := map[string][]string{}
	if body.Email == "" {
		missing["email"] = []string{"This field is required."}
	}
	if body.Password == "" {
		missing["password"] = []string{"This field is required."}
	}
	if len(missing) > 0 {
		reply(w, http.StatusBadRequest, missing)
		return
	}
	// One answer for a wrong password and an unknown email: nobody learns which accounts exist.
	if body.Email != s.Email || body.Password != s.Password {
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
	var body struct{ Refresh string }
	if !decode(w, r, &body) {
		return
	}
	if body.Refresh == "" {
		reply(w, http.StatusBadRequest, map[string][]string{"refresh": {"This field is required."}})
		return
	}
	claims, err := s.parse(body.Refresh)
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

// decode reads a JSON object body into v, answering 4xx itself when it cannot.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		reply(w, http.StatusUnsupportedMediaType, map[string]string{"detail": "Send a JSON body (Content-Type: application/json)."})
		return false
	}
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(v)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		reply(w, http.StatusRequestEntityTooLarge, map[string]string{"detail": "The body is too large."})
		return false
	case err != nil:
		reply(w, http.StatusBadRequest, map[string]string{"detail": "JSON parse error."})
		return false
	}
	return true
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
