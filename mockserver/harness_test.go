package mockserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"github.com/zonesmart/jwt-conformance/fixtures"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// start is a fixed instant with a fraction of a second, so that truncation shows.
var start = time.Date(2026, 3, 1, 10, 0, 0, 250_000_000, time.UTC)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type harness struct {
	t     testing.TB
	s     *Server
	clock *fakeClock
}

func newHarness(t testing.TB, opts Options) *harness {
	t.Helper()
	clock := &fakeClock{t: start}
	opts.Clock = clock.Now
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &harness{t: t, s: s, clock: clock}
}

func withFaults(t testing.TB, faults ...string) *harness {
	return newHarness(t, Options{Faults: faults})
}

const (
	createPath  = "/v1/zonesmart/auth/jwt/create/"
	refreshPath = "/auth/jwt/refresh/"
	mePath      = "/users/me/"
	rightBody   = `{"email":"admin@zonesmart.ru","password":"4815162342"}`
	jsonType    = "application/json"
)

func (h *harness) do(method, path, contentType, body string, headers ...string) *httptest.ResponseRecorder {
	h.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body == "" {
		r.Body = http.NoBody
		r.ContentLength = 0
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.s.ServeHTTP(w, r)
	return w
}

func (h *harness) create(body string) *httptest.ResponseRecorder {
	return h.do("POST", createPath, jsonType, body)
}

// login returns the create answer's tokens, wherever a fault put them.
func (h *harness) login() (refresh, access string) {
	h.t.Helper()
	w := h.create(rightBody)
	if w.Code/100 != 2 {
		h.t.Fatalf("log-in answered %d: %s", w.Code, w.Body)
	}
	m := decodeObject(h.t, w.Body.Bytes())
	refresh, _ = m["refresh"].(string)
	access, _ = m["access"].(string)
	if access == "" {
		access, _ = m["access_token"].(string)
	}
	return refresh, access
}

func (h *harness) me(authorization string) *httptest.ResponseRecorder {
	if authorization == "" {
		return h.do("GET", mePath, "", "")
	}
	return h.do("GET", mePath, "", "", "Authorization", authorization)
}

func (h *harness) refresh(method, token string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]string{"refresh": token})
	return h.do(method, refreshPath, jsonType, string(body))
}

// refreshed refreshes by POST and returns the new access token.
func (h *harness) refreshed(token string) string {
	h.t.Helper()
	w := h.refresh("POST", token)
	if w.Code != 200 {
		h.t.Fatalf("refresh answered %d: %s", w.Code, w.Body)
	}
	access, _ := decodeObject(h.t, w.Body.Bytes())["access"].(string)
	return access
}

func decodeObject(t testing.TB, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("answer is not a JSON object: %v: %q", err, b)
	}
	return m
}

// segment decodes one segment of a compact JWS, tolerating padding.
func segment(t testing.TB, token string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d segments", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[i], "="))
	if err != nil {
		t.Fatalf("segment %d: %v", i, err)
	}
	return decodeObject(t, b)
}

func header(t testing.TB, token string) map[string]any { return segment(t, token, 0) }
func claims(t testing.TB, token string) map[string]any { return segment(t, token, 1) }

func keys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

func rawJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// expSeconds reads exp as a number, whatever its JSON type.
func expSeconds(t testing.TB, c map[string]any) float64 {
	t.Helper()
	switch v := c["exp"].(type) {
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			t.Fatal(err)
		}
		return f
	case string:
		n, err := json.Number(v).Float64()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	t.Fatalf("exp is %T", c["exp"])
	return 0
}

// forge signs claims derived from a token's with the given method and key.
func forge(t testing.TB, token string, method jwt.SigningMethod, key any, edit func(jwt.MapClaims)) string {
	t.Helper()
	c := jwt.MapClaims(claims(t, token))
	if edit != nil {
		edit(c)
	}
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// resignClaims keeps a token's header and signature but swaps its claims: a tampered token.
func tamper(t testing.TB, token string, edit func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(token, ".")
	c := claims(t, token)
	edit(c)
	b, _ := json.Marshal(c)
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

// algNone rewrites a token as alg "none" with an empty signature.
func algNone(t testing.TB, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	return base64.RawURLEncoding.EncodeToString(h) + "." + parts[1] + "."
}

var testKey = []byte(DefaultSigningKey)

// The page's example tokens.
const (
	pageRefresh = fixtures.PageRefreshToken
	pageAccess  = fixtures.PageAccessToken
)
