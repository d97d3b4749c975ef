package leakserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/zonesmart/jwt-conformance/mockserver"
)

// Class is one way the server leaks. Each names what it echoes and where.
type Class string

// Classes that leave the flow working: the suite logs in, calls /users/me/ and refreshes.
const (
	// EchoJSON adds the password and key to every JSON object answer, JSON-escaped (\" \\ and
	// the raw non-ASCII letter).
	EchoJSON Class = "echo-json"
	// EchoJSONHTML adds them as Go's json.Marshal writes them (\u003c \u003e \u0026).
	EchoJSONHTML Class = "echo-json-html"
	// EchoPython adds them as Python's json.dumps does by default (\u00e4).
	EchoPython Class = "echo-python-ascii"
	// EchoDoubleJSON adds them JSON-escaped twice, as a JSON document inside a string.
	EchoDoubleJSON Class = "echo-double-json"
	// EchoHTML adds them HTML-escaped (&lt; &amp; &#34;).
	EchoHTML Class = "echo-html"
	// EchoURL adds them URL-encoded, in a query and in a path.
	EchoURL Class = "echo-url"
	// EchoHeaders sends them raw in X-Debug-Password and X-Debug-Key.
	EchoHeaders Class = "echo-headers"
	// TokenFields adds validly signed tokens in every shape to other fields: id_token and a
	// nested object.
	TokenFields Class = "token-fields"
	// DuplicateAccess writes a first "access" key, holding an odd-shaped signed token, before
	// the real one: JSON decoders keep the last.
	DuplicateAccess Class = "duplicate-access"
	// TokenHeaders sends signed tokens in X-Debug-Token and in a Link header.
	TokenHeaders Class = "token-headers"
	// SecretClaims re-signs every issued token with claims holding the password and a whole
	// signed token.
	SecretClaims Class = "secret-claims"
	// Markdown adds server text with Markdown images and links to JSON answers and headers.
	Markdown Class = "markdown"
)

// Classes that break clauses, so that failures print what the server sent.
const (
	// AfterBody writes a signed token, the password and the key after the JSON of error answers.
	AfterBody Class = "after-body"
	// HTML500 answers refused log-ins with a 500 HTML page holding the password (raw and
	// HTML-escaped), the key and signed tokens.
	HTML500 Class = "html-500"
	// FourSegments answers create with an access value of four dot-separated segments whose
	// first three are a token that verifies.
	FourSegments Class = "access-4-segments"
	// MarkdownDetail appends Markdown images and links to the detail of every other 401 answer.
	MarkdownDetail Class = "markdown-detail"
	// TransportVersion answers every other refused refresh with a status line that Go's
	// transport quotes: malformed HTTP version "<password>;<token>".
	TransportVersion Class = "transport-version"
	// TransportHeader answers every other /users/me/ without credentials with a header line
	// without a colon, holding the password and a token: malformed MIME header.
	TransportHeader Class = "transport-mime-header"
	// TransportLocation answers every other refused /users/me/ with a token by a redirect whose
	// Location cannot be parsed and holds the password and a token.
	TransportLocation Class = "transport-location"
)

// Quiet are the classes that keep the flow working; Loud adds those that break clauses.
var (
	Quiet = []Class{EchoJSON, EchoJSONHTML, EchoPython, EchoDoubleJSON, EchoHTML, EchoURL,
		EchoHeaders, TokenFields, DuplicateAccess, TokenHeaders, SecretClaims, Markdown}
	Loud = append(slices.Clone(Quiet), AfterBody, HTML500, FourSegments, MarkdownDetail,
		TransportVersion, TransportHeader, TransportLocation)
)

// MarkdownHost is the host of every Markdown image and link the server sends: a rendered
// report that links to it runs server-controlled Markdown.
const MarkdownHost = "markdown-canary.invalid"

// markdownText closes a single-backtick code span before its image and link, as a hostile
// server would.
var markdownText = "see ` ![pixel](http://" + MarkdownHost + "/p.png) and [details](http://" + MarkdownHost + "/d)"

// Options configures a Server.
type Options struct {
	Canaries Canaries
	Classes  []Class
	// Faults are mockserver faults to switch on as well.
	Faults []string
}

// Server is a running hostile server on loopback.
type Server struct {
	// URL is the base URL to give the suite.
	URL string

	c       Canaries
	classes map[Class]bool
	mock    *mockserver.Server
	http    *httptest.Server

	sawPassword atomic.Bool
	trimmed     atomic.Bool
	mu          sync.Mutex
	applied     map[Class]int
	turn        map[Class]int
}

// Start starts a server answering through the reference mock for the canary account, signing
// with the canary key, and leaking in opts.Classes.
func Start(opts Options) (*Server, error) {
	m, err := mockserver.New(mockserver.Options{
		SigningKey: []byte(opts.Canaries.Key),
		// The mock trims the password it receives, as DRF's CharField does, so it keeps the
		// account's password trimmed too.
		Users:  []mockserver.User{{ID: 7, Email: opts.Canaries.Email, Password: strings.TrimSpace(opts.Canaries.Password), Username: "canary"}},
		Faults: opts.Faults,
	})
	if err != nil {
		return nil, err
	}
	s := &Server{c: opts.Canaries, classes: map[Class]bool{}, mock: m, applied: map[Class]int{}, turn: map[Class]int{}}
	for _, c := range opts.Classes {
		if !slices.Contains(Loud, c) {
			return nil, fmt.Errorf("leakserver: unknown class %q; see Loud", c)
		}
		s.classes[c] = true
	}
	s.http = httptest.NewServer(s)
	s.URL = s.http.URL
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// UserinfoURL is the base URL with the canary password as userinfo, as a user might configure.
func (s *Server) UserinfoURL() string {
	u, _ := url.Parse(s.URL)
	u.User = url.UserPassword("canary", s.c.Password)
	return u.String()
}

// SawPassword says whether the canary password reached the server, in any log-in.
func (s *Server) SawPassword() bool { return s.sawPassword.Load() }

// SawTrimmedPassword says whether a log-in carried the password without its surrounding space:
// the client trimmed a secret. The server, like DRF's CharField, trims what it receives, so
// both log in.
func (s *Server) SawTrimmedPassword() bool { return s.trimmed.Load() }

// notePassword notes a log-in with the canary password, whole or trimmed.
func (s *Server) notePassword(body []byte) {
	var login map[string]any
	if json.Unmarshal(body, &login) != nil {
		return
	}
	pw, ok := login["password"].(string)
	switch {
	case !ok:
	case pw == s.c.Password:
		s.sawPassword.Store(true)
	case pw != "" && pw == strings.TrimSpace(s.c.Password):
		s.sawPassword.Store(true)
		s.trimmed.Store(true)
	}
}

// Applied counts, by class, the answers the class changed: a class that never fired proves
// nothing.
func (s *Server) Applied() map[Class]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[Class]int{}
	for k, v := range s.applied {
		out[k] = v
	}
	return out
}

// fires says whether class c applies now, and counts it. everyOther lets half of the matching
// requests through unchanged, so that the clauses they serve still see normal answers.
func (s *Server) fires(c Class, everyOther bool) bool {
	if !s.classes[c] {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if everyOther {
		s.turn[c]++
		if s.turn[c]%2 == 0 {
			return false
		}
	}
	s.applied[c]++
	return true
}

type endpoint int

const (
	other endpoint = iota
	create
	me
	refresh
)

func endpointOf(path string) endpoint {
	p := strings.TrimSuffix(path, "/")
	switch {
	case strings.HasSuffix(p, "/jwt/create"):
		return create
	case strings.HasSuffix(p, "/jwt/refresh"):
		return refresh
	case strings.HasSuffix(p, "/users/me"):
		return me
	}
	return other
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqBody, _ := io.ReadAll(io.LimitReader(r.Body, mockserver.MaxBodyBytes+1))
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	s.notePassword(reqBody)
	rec := httptest.NewRecorder()
	s.mock.ServeHTTP(rec, r)
	status, header, body := rec.Code, rec.Header().Clone(), rec.Body.Bytes()
	ep := endpointOf(r.URL.Path)
	refused := status >= 400

	// Raw answers first: they replace the whole exchange.
	switch {
	case ep == refresh && refused && s.fires(TransportVersion, true):
		s.raw(w, "HTTP/1.1"+s.rawPassword()+";"+s.token(ShapePaddedStd)+" 200 OK\r\nContent-Length: 0\r\n\r\n")
		return
	case ep == me && refused && r.Header.Get("Authorization") == "" && s.fires(TransportHeader, true):
		s.raw(w, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"+s.rawPassword()+" "+s.token(ShapeSpaceHeader)+"\r\nContent-Length: 2\r\n\r\n{}")
		return
	case ep == me && refused && r.Header.Get("Authorization") != "" && s.fires(TransportLocation, true):
		s.raw(w, "HTTP/1.1 302 Found\r\nLocation: ::%zz"+s.rawPassword()+"/"+s.token(ShapeNewlineHeader)+"\r\nContent-Length: 0\r\n\r\n")
		return
	case ep == create && refused && s.fires(HTML500, false):
		page := "<!doctype html><title>Server Error (500)</title><h1>Server Error (500)</h1>\n" +
			"<pre>password=" + s.c.Password + "\nescaped=" + html.EscapeString(s.c.Password) +
			"\nSECRET_KEY=" + s.c.Key + "\ntoken=" + s.tokenFor(ShapeCompact, "error-page") + "\nsession=" + s.tokenFor(ShapeSpaceHeader, "error-page") + "</pre>"
		header = http.Header{"Content-Type": {"text/html; charset=utf-8"}}
		status, body = http.StatusInternalServerError, []byte(page)
	}

	isJSON := strings.HasPrefix(header.Get("Content-Type"), "application/json") && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))
	if isJSON {
		body = s.rewrite(ep, status, body)
	}
	if s.fires(EchoHeaders, false) {
		header.Set("X-Debug-Password", s.c.Password)
		header.Set("X-Debug-Key", s.c.Key)
	}
	if s.fires(TokenHeaders, false) {
		header.Set("X-Debug-Token", s.token(ShapePaddedStd))
		header.Add("Link", "<"+s.URL+"/session?token="+s.token(ShapeSpaceHeader)+">; rel=\"session\"")
	}
	if s.fires(Markdown, false) {
		header.Set("X-Debug-Note", markdownText)
	}
	if isJSON && refused && s.fires(AfterBody, false) {
		body = append(body, []byte("\n"+s.token(ShapeNewlineHeader)+" "+s.c.Password+" "+s.c.Key+"\n")...)
	}
	header.Del("Content-Length")
	for k, v := range header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// rewrite applies the JSON classes to an object answer, keeping the mock's key order.
func (s *Server) rewrite(ep endpoint, status int, body []byte) []byte {
	body = bytes.TrimSpace(body)
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		return body
	}
	issued := status/100 == 2 && (ep == create || ep == refresh)
	if access, ok := obj["access"].(string); ok && ep == create && issued && s.fires(FourSegments, false) {
		body = bytes.Replace(body, []byte(`"`+access+`"`), []byte(`"`+s.tokenFor(ShapeCompact, "four-segments")+".ZXh0cmE"+`"`), 1)
	}
	if issued && s.fires(SecretClaims, false) {
		for _, name := range []string{"access", "refresh"} {
			tok, ok := obj[name].(string)
			if !ok {
				continue
			}
			claims := claimsOf(tok)
			if claims == nil {
				continue
			}
			claims["debug_password"] = s.c.Password
			claims["debug_session"] = s.c.Mint(ShapeCompact, map[string]any{"token_type": "access", "user_id": 7, "jti": "leak-in-a-claim"})
			body = bytes.Replace(body, []byte(tok), []byte(s.c.Resign(tok, claims)), 1)
		}
	}
	var extra []string
	add := func(k, jsonValue string) { extra = append(extra, `"`+k+`":`+jsonValue) }
	pw, key := s.c.Password, s.c.Key
	if s.fires(EchoJSON, false) {
		add("debug_json", jsonValue(map[string]string{"pw": pw, "k": key}))
	}
	if s.fires(EchoJSONHTML, false) {
		b, _ := json.Marshal(map[string]string{"pw": pw, "k": key})
		add("debug_json_html", string(b))
	}
	if s.fires(EchoPython, false) {
		add("debug_python", `{"pw": "`+pythonASCII(pw)+`", "k": "`+pythonASCII(key)+`"}`)
	}
	if s.fires(EchoDoubleJSON, false) {
		add("debug_double", jsonValue(jsonValue(map[string]string{"pw": pw, "k": key})))
	}
	if s.fires(EchoHTML, false) {
		add("debug_html", jsonValue("<p>"+html.EscapeString(pw)+"</p><p>"+html.EscapeString(key)+"</p>"))
	}
	if s.fires(EchoURL, false) {
		add("debug_next", jsonValue("/login?password="+url.QueryEscape(pw)+"&key="+url.QueryEscape(key)))
		add("debug_path", jsonValue("/u/"+url.PathEscape(pw)+"/"+url.PathEscape(key)))
	}
	if s.fires(TokenFields, false) {
		add("id_token", jsonValue(s.token(ShapeSpaceHeader)))
		add("data", jsonValue(map[string]any{"session": map[string]any{
			"token": s.token(ShapePaddedStd), "tokens": []string{s.token(ShapeNewlineHeader), s.token(ShapeCompact)},
			// Four segments whose first three verify: masking only the last leaves a token.
			"chain": s.tokenFor(ShapeSpaceHeader, "four-segments") + ".ZXh0cmE",
		}}))
	}
	if s.fires(Markdown, false) {
		add("note", jsonValue(markdownText))
		// A field's name reaches the report's notes when the suite lists undocumented fields.
		add(jsonInner(markdownText, false), "1")
	}
	if len(extra) > 0 {
		inner := bytes.TrimSpace(body[1 : len(body)-1])
		sep := ","
		if len(inner) == 0 {
			sep = ""
		}
		body = []byte("{" + string(inner) + sep + strings.Join(extra, ",") + "}")
	}
	if issued && s.fires(DuplicateAccess, false) {
		body = []byte(`{"access":` + jsonValue(s.token(ShapeNewlineHeader)) + "," + string(body[1:]))
	}
	if detail, ok := obj["detail"].(string); ok && status == http.StatusUnauthorized && s.fires(MarkdownDetail, true) {
		body = bytes.Replace(body, []byte(jsonValue(detail)), []byte(jsonValue(detail+" "+markdownText)), 1)
	}
	return body
}

// token is a fresh token for the canary account, validly signed, in the given shape.
func (s *Server) token(shape TokenShape) string { return s.tokenFor(shape, "echo") }

// tokenFor is a token whose jti names the place it is sent to, so that each place's leak is
// its own hit.
func (s *Server) tokenFor(shape TokenShape, place string) string {
	return s.c.Mint(shape, map[string]any{"token_type": "access", "user_id": 7, "email": s.c.Email, "exp": 4102444800, "jti": "leak-" + place + "-" + shape.String()})
}

// rawPassword is the password as it survives in a status or header line: without its leading
// space, which the line's syntax would eat.
func (s *Server) rawPassword() string { return strings.TrimSpace(s.c.Password) }

// raw answers with exactly these bytes and closes the connection.
func (s *Server) raw(w http.ResponseWriter, answer string) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "no raw answers over this connection", http.StatusInternalServerError)
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	_, _ = conn.Write([]byte(answer))
}

func claimsOf(tok string) map[string]any {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil
	}
	data, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var c map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if dec.Decode(&c) != nil {
		return nil
	}
	return c
}
