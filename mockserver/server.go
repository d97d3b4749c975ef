package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultSigningKey is the HMAC key the server signs with when Options.SigningKey is empty. It is
// a published test value, not a secret: keyed checks against the mock need to know it.
const DefaultSigningKey = "zonesmart-jwt-conformance-mock-signing-key-not-a-secret"

// Default lifetimes, as the page states them.
const (
	DefaultAccessLifetime  = 2 * time.Hour
	DefaultRefreshLifetime = 90 * 24 * time.Hour
)

// MaxBodyBytes bounds every request body the server reads; a larger body is answered 413.
const MaxBodyBytes = 64 << 10

// maxLogged bounds the request log so that a long-running mock does not grow without limit.
const maxLogged = 10000

// User is an account the server knows.
type User struct {
	ID       int64
	Email    string
	Password string
	Username string
	// Phone is null in a token when nil.
	Phone *string
	// AccessUntil is null in a token when nil, an ISO 8601 string otherwise (as Django
	// serialises a DateTimeField).
	AccessUntil *time.Time
	HasAccess   bool
}

// DefaultUser is the page's sample account: id 1, admin@zonesmart.ru, password 4815162342.
func DefaultUser() User {
	return User{ID: 1, Email: "admin@zonesmart.ru", Password: "4815162342", Username: "admin"}
}

// Options configures a Server. The zero value serves the page's contract for DefaultUser.
type Options struct {
	// SigningKey is the HS256 key; empty means DefaultSigningKey.
	SigningKey []byte
	// Clock is the server's notion of now, for issuing, expiry and the Date header; nil means
	// time.Now.
	Clock func() time.Time
	// Users are the accounts that can log in; empty means []User{DefaultUser()}.
	Users []User
	// AccessLifetime and RefreshLifetime default to 2 hours and 90 days when zero.
	AccessLifetime  time.Duration
	RefreshLifetime time.Duration
	// IssuedAt adds iat as simplejwt 5.2 does: fresh tokens get the issue time, a refreshed
	// access token copies the refresh token's iat. The page's tokens have no iat, so this
	// makes CLAIM-EXTRA fail by design.
	IssuedAt bool
	// Faults names catalogue entries (see Faults) to switch on.
	Faults []string
}

// Request is one entry of the request log: no bodies and no headers, so that the log can be
// printed without leaking credentials.
type Request struct {
	Method string
	Path   string
	Status int
}

// Server is an http.Handler serving the page's contract. It is safe for concurrent use.
type Server struct {
	key             []byte
	verifyKey       []byte
	clock           func() time.Time
	users           []User
	accessLifetime  time.Duration
	refreshLifetime time.Duration
	issuedAt        bool
	faults          map[string]bool
	validMethods    []string
	panics          atomic.Int64 // recovered in ServeHTTP; tests require none

	mu             sync.Mutex
	log            []Request
	usedRefresh    map[string]bool   // refresh-single-use
	accessOfPair   map[string]string // refresh-reuses-access-jti: refresh jti → access jti
	registeredJTIs map[string]bool   // refresh-access-unregistered: jtis issued by create
}

// New validates opts and returns a Server. Every problem is reported at once; an unknown fault
// name is an error naming it.
func New(opts Options) (*Server, error) {
	var problems []error
	s := &Server{
		key:             append([]byte(nil), opts.SigningKey...),
		clock:           opts.Clock,
		accessLifetime:  opts.AccessLifetime,
		refreshLifetime: opts.RefreshLifetime,
		issuedAt:        opts.IssuedAt,
		faults:          map[string]bool{},
		usedRefresh:     map[string]bool{},
		accessOfPair:    map[string]string{},
		registeredJTIs:  map[string]bool{},
	}
	if len(s.key) == 0 {
		s.key = []byte(DefaultSigningKey)
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.accessLifetime == 0 {
		s.accessLifetime = DefaultAccessLifetime
	}
	if s.refreshLifetime == 0 {
		s.refreshLifetime = DefaultRefreshLifetime
	}
	if s.accessLifetime < 0 {
		problems = append(problems, fmt.Errorf("AccessLifetime: %v is negative", s.accessLifetime))
	}
	if s.refreshLifetime < 0 {
		problems = append(problems, fmt.Errorf("RefreshLifetime: %v is negative", s.refreshLifetime))
	}

	s.users = append([]User(nil), opts.Users...)
	if len(s.users) == 0 {
		s.users = []User{DefaultUser()}
	}
	ids, emails := map[int64]bool{}, map[string]bool{}
	for i, u := range s.users {
		if u.Email == "" {
			problems = append(problems, fmt.Errorf("Users[%d].Email: empty", i))
		}
		if u.Password == "" {
			problems = append(problems, fmt.Errorf("Users[%d].Password: empty (an account needs one to log in)", i))
		}
		if ids[u.ID] {
			problems = append(problems, fmt.Errorf("Users[%d].ID: %d is used twice", i, u.ID))
		}
		if emails[u.Email] {
			problems = append(problems, fmt.Errorf("Users[%d].Email: %q is used twice", i, u.Email))
		}
		ids[u.ID], emails[u.Email] = true, true
	}

	for _, name := range opts.Faults {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if _, ok := LookupFault(name); !ok {
			problems = append(problems, fmt.Errorf("Faults: %q is not a known fault (see Faults())", name))
			continue
		}
		s.faults[name] = true
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}

	s.verifyKey = s.key
	if s.on(faultForeignKey) {
		s.key = foreignKey(s.key)
		s.verifyKey = s.key
	}
	s.validMethods = []string{"HS256"}
	if s.on(faultHeaderAlgHS512) {
		s.validMethods = []string{"HS512"}
	}
	if s.on(faultAlgAnyHMAC) {
		s.validMethods = append(s.validMethods, "HS256", "HS384", "HS512")
	}
	return s, nil
}

// ActiveFaults lists the faults this server was built with, in catalogue order.
func (s *Server) ActiveFaults() []string {
	var names []string
	for _, f := range Faults() {
		if s.faults[f.Name] {
			names = append(names, f.Name)
		}
	}
	return names
}

// Requests returns the request log (the last 10,000 requests), oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

func (s *Server) on(fault string) bool { return s.faults[fault] }

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) >= maxLogged {
		s.log = append(s.log[:0], s.log[len(s.log)-maxLogged+1:]...)
	}
	s.log = append(s.log, r)
}

// ServeHTTP answers one request. It never panics: a bug answers 500 like Django does.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			s.panics.Add(1)
			if !rec.wroteHeader {
				serverError(rec)
			}
		}
		s.record(Request{Method: r.Method, Path: r.URL.Path, Status: rec.status()})
	}()
	now := s.clock()
	// The Date header shows the server's clock, by which expiry is judged; net/http would
	// otherwise stamp the wall clock, which differs from an injected one.
	rec.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	s.route(rec, r, now)
}

type endpoint int

const (
	endpointCreate endpoint = iota
	endpointRefresh
	endpointMe
)

func (s *Server) route(w http.ResponseWriter, r *http.Request, now time.Time) {
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/v1/zonesmart/"); ok {
		path = "/" + rest
	}
	// djoser's routes take the trailing slash as optional.
	switch strings.TrimSuffix(path, "/") {
	case "/auth/jwt/create":
		s.dispatch(w, r, endpointCreate, now, "POST", "OPTIONS")
	case "/auth/jwt/refresh":
		if s.on(faultRefreshGet405) {
			s.dispatch(w, r, endpointRefresh, now, "POST", "OPTIONS")
		} else {
			s.dispatch(w, r, endpointRefresh, now, "GET", "POST", "OPTIONS")
		}
	case "/users/me":
		// Only reading is implemented: an account change (PUT, PATCH, DELETE) answers 405 and
		// shows in the request log, so a suite that sends one can be caught.
		s.dispatch(w, r, endpointMe, now, "GET", "OPTIONS")
	default:
		writeJSON(w, http.StatusNotFound, object{{"detail", "Not found."}})
	}
}

func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, ep endpoint, now time.Time, allowed ...string) {
	allow := strings.Join(allowed, ", ")
	// DRF sets Allow on every answer of a view.
	w.Header().Set("Allow", allow)
	w.Header().Set("Vary", "Accept")
	if s.on(refusalRelabelled[ep]) {
		w = relabelRefusals{w}
	}
	method := r.Method
	if !slices.Contains(allowed, method) {
		writeJSON(w, http.StatusMethodNotAllowed, object{{"detail", fmt.Sprintf("Method %q not allowed.", method)}})
		return
	}
	switch {
	case method == http.MethodOptions:
		writeJSON(w, http.StatusOK, object{
			{"name", endpointNames[ep]},
			{"renders", []string{"application/json"}},
			{"parses", []string{"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}},
		})
	case ep == endpointCreate:
		s.create(w, r, now)
	case ep == endpointRefresh:
		s.refresh(w, r, now)
	default:
		s.me(w, r, now)
	}
}

// refusalRelabelled names each endpoint's *-refusal-content-type-html fault.
var refusalRelabelled = map[endpoint]string{
	endpointCreate:  faultCreateRefusalContentTypeHTML,
	endpointRefresh: faultRefreshRefusalContentTypeHTML,
	endpointMe:      faultMeRefusalContentTypeHTML,
}

// relabelRefusals keeps a 4xx answer's JSON body but labels it text/html, as a proxy or a
// framework's error page might.
type relabelRefusals struct{ http.ResponseWriter }

func (r relabelRefusals) WriteHeader(code int) {
	if code >= 400 && code < 500 {
		r.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r relabelRefusals) Unwrap() http.ResponseWriter { return r.ResponseWriter }

var endpointNames = map[endpoint]string{
	endpointCreate:  "Token Obtain Pair",
	endpointRefresh: "Token Refresh",
	endpointMe:      "User",
}

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.wroteHeader {
		return
	}
	r.code, r.wroteHeader = code, true
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) status() int {
	if !r.wroteHeader {
		return http.StatusOK
	}
	return r.code
}
