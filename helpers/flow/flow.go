// Package flow walks the page's happy path once per run: log in, use the access token, refresh
// and use the new token, plus the refusals that several clauses judge (each kind of mistake
// whose answer's status, content type and error shape are all judged). Every exchange is kept
// so that each clause is judged on the same evidence, each of these requests is sent once a
// run, and the run logs in exactly once.
package flow

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/zonesmart/jwt-conformance/fixtures"
	"net/http"
	"strings"

	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
)

// The steps, in the order they are sent.
const (
	Create          = "create"           // POST create with the right credentials
	Me              = "me"               // /users/me/ with JWT <access>
	MeAnonymous     = "me-anonymous"     // /users/me/ with no Authorization header
	MeExampleToken  = "me-example-token" // /users/me/ with the page's own, long-expired token
	MeRefreshToken  = "me-refresh-token" // /users/me/ with the refresh token in place of an access token
	Refresh         = "refresh"          // refresh with the configured (documented) method
	RefreshFallback = "refresh-fallback" // the same with the method the server's Allow offers, after a 405
	MeRefreshed     = "me-refreshed"     // /users/me/ with the refreshed access token
	RefreshAgain    = "refresh-again"    // a second refresh with the same refresh token

	// Refusals that several clauses judge (what each answer must be, and the content type and
	// shape of every refusal): walked here, once per run, so that under ginkgo -p too each is
	// sent once and every process judges the same answer. Only create-content-type names the
	// configured account: with the right password, or a server that parses any content type
	// as JSON would only refuse a bad log-in and pass unnoticed; it is never retried.
	CreateMissingField  = "create-missing-field"  // create with {"email":""}
	CreateMissingEmail  = "create-missing-email"  // create with {"password":""}
	CreateNotJSON       = "create-not-json"       // create with a body that is not JSON
	CreateContentType   = "create-content-type"   // the right credentials as text/plain
	MeSchemeOnly        = "me-scheme-only"        // /users/me/ with Authorization: JWT and no token
	RefreshMissingField = "refresh-missing-field" // refresh with {}
	RefreshGarbage      = "refresh-garbage"       // refresh with a value that is not a JWS
	RefreshNotJSON      = "refresh-not-json"      // refresh with a body that is not JSON
	RefreshContentType  = "refresh-content-type"  // the refresh token as text/plain
)

// Steps lists every step in order.
var Steps = []string{Create, Me, MeAnonymous, MeExampleToken, MeRefreshToken, Refresh, RefreshFallback, MeRefreshed, RefreshAgain,
	CreateMissingField, CreateMissingEmail, CreateNotJSON, CreateContentType, MeSchemeOnly,
	RefreshMissingField, RefreshGarbage, RefreshNotJSON, RefreshContentType}

// CreateRefusals and RefreshRefusals are the walked refusals of each endpoint, in order.
var (
	CreateRefusals  = []string{CreateMissingField, CreateMissingEmail, CreateNotJSON, CreateContentType}
	MeRefusals      = []string{MeAnonymous, MeExampleToken, MeRefreshToken, MeSchemeOnly}
	RefreshRefusals = []string{RefreshMissingField, RefreshGarbage, RefreshNotJSON, RefreshContentType}
)

// GarbageToken is a token that is not a JWS at all.
const GarbageToken = "not-a-jwt"

// NotJSON is the body of the not-JSON refusals, sent under a JSON content type.
const NotJSON = "this is not JSON"

// PageAccessToken is the access token printed on the page; it expired in June 2020.
//
// Deprecated: use fixtures.PageAccessToken.
const PageAccessToken = fixtures.PageAccessToken

// Flow is the evidence of one walk. It is plain data, so it crosses Ginkgo's parallel
// processes as JSON.
type Flow struct {
	Target    string                     `json:"target"`
	Replay    bool                       `json:"replay"`
	Email     string                     `json:"email"`
	Exchanges map[string]*httpx.Exchange `json:"exchanges"`
	// NotSent says why a step has no exchange.
	NotSent map[string]string `json:"not_sent"`
	// Fatal is set when the target could not be reached at all: every clause fails with it.
	Fatal    string `json:"fatal,omitempty"`
	Requests int64  `json:"requests"`
}

// Options configures a walk.
type Options struct {
	Client   *httpx.Client
	Config   *config.Config
	Email    string
	Password string
	// Recorded reports whether a replay records a step; nil for live runs, which send all.
	Recorded func(step string) bool
	Target   string
}

type walker struct {
	ctx context.Context
	o   Options
	f   *Flow
}

// Run walks the flow under ctx. It never fails: what went wrong is in the exchanges and NotSent.
func Run(ctx context.Context, o Options) *Flow {
	w := &walker{ctx: ctx, o: o, f: &Flow{Target: o.Target, Replay: o.Recorded != nil, Email: o.Email, Exchanges: map[string]*httpx.Exchange{}, NotSent: map[string]string{}}}
	start := o.Client.Requests()
	defer func() { w.f.Requests = o.Client.Requests() - start }()
	cfg := o.Config

	body, _ := json.Marshal(map[string]string{"email": o.Email, "password": o.Password})
	create := w.send(Create, cfg.Create, "", body, true)
	if create != nil && create.Response == nil {
		// Nothing answered the log-in: every other request would fail the same way.
		w.f.Fatal = create.Err
		for _, s := range Steps[1:] {
			w.f.NotSent[s] = "not sent: the log-in got no answer"
		}
		return w.f
	}
	var refresh, access string
	if create != nil {
		refresh, access = create.Issued()
	}

	w.sendIf(Me, access != "", "create issued no access token", cfg.Me, w.auth(access), nil, false)
	w.send(MeAnonymous, cfg.Me, "", nil, false)
	w.send(MeExampleToken, cfg.Me, w.auth(fixtures.PageAccessToken), nil, false)
	w.sendIf(MeRefreshToken, refresh != "", "create issued no refresh token", cfg.Me, w.auth(refresh), nil, false)

	refreshBody, _ := json.Marshal(map[string]string{"refresh": refresh})
	documented := w.sendIf(Refresh, refresh != "", "create issued no refresh token", cfg.Refresh, "", refreshBody, false)
	effective := cfg.Refresh
	if alt := allowedInstead(documented, cfg.Refresh.Method); alt != "" {
		// One deviation must not hide the others: judge the rest of refresh with what the
		// server offers, and let REFRESH-METHOD report the documented method's 405.
		effective.Method = alt
		w.send(RefreshFallback, effective, "", refreshBody, false)
	} else {
		w.f.NotSent[RefreshFallback] = "not needed: the documented refresh method was not refused with 405"
	}
	var newAccess string
	if ex := w.f.Refreshed(); ex != nil {
		_, newAccess = ex.Issued()
	}
	w.sendIf(MeRefreshed, newAccess != "", "the refresh issued no access token", cfg.Me, w.auth(newAccess), nil, false)
	w.sendIf(RefreshAgain, refresh != "", "create issued no refresh token", effective, "", refreshBody, false)

	w.send(CreateMissingField, cfg.Create, "", []byte(`{"email":""}`), false)
	w.send(CreateMissingEmail, cfg.Create, "", []byte(`{"password":""}`), false)
	w.send(CreateNotJSON, cfg.Create, "", []byte(NotJSON), false)
	w.sendAs(CreateContentType, cfg.Create, body, true)
	w.send(MeSchemeOnly, cfg.Me, cfg.Scheme, nil, false)
	garbage, _ := json.Marshal(map[string]string{"refresh": GarbageToken})
	w.send(RefreshMissingField, effective, "", []byte(`{}`), false)
	w.send(RefreshGarbage, effective, "", garbage, false)
	w.send(RefreshNotJSON, effective, "", []byte(NotJSON), false)
	if refresh != "" {
		w.sendAs(RefreshContentType, effective, refreshBody, false)
	} else {
		w.f.NotSent[RefreshContentType] = "not sent: create issued no refresh token"
	}
	return w.f
}

func (w *walker) auth(token string) string { return w.o.Config.Scheme + " " + token }

func (w *walker) sendIf(step string, ok bool, why string, ep config.Endpoint, auth string, body []byte, password bool) *httpx.Exchange {
	if !ok {
		w.f.NotSent[step] = "not sent: " + why
		return nil
	}
	return w.send(step, ep, auth, body, password)
}

func (w *walker) send(step string, ep config.Endpoint, auth string, body []byte, password bool) *httpx.Exchange {
	// Every documented request carries Content-Type: application/json, GETs included.
	h := http.Header{"Content-Type": {"application/json"}}
	if auth != "" {
		h.Set("Authorization", auth)
	}
	return w.sendWith(step, ep, h, body, password)
}

// sendAs sends a body that would succeed under a content type the page does not use.
func (w *walker) sendAs(step string, ep config.Endpoint, body []byte, password bool) *httpx.Exchange {
	return w.sendWith(step, ep, http.Header{"Content-Type": {"text/plain"}}, body, password)
}

func (w *walker) sendWith(step string, ep config.Endpoint, h http.Header, body []byte, password bool) *httpx.Exchange {
	if w.o.Recorded != nil && !w.o.Recorded(step) {
		w.f.NotSent[step] = fmt.Sprintf("not replayed: the fixtures record no %q exchange (the page does not show one; record a live server with make record, or run against one with ZS_BASE_URL)", step)
		return nil
	}
	ex := w.o.Client.Do(w.ctx, httpx.Call{Step: step, Method: ep.Method, Path: ep.Path, Header: h, Body: body, Password: password})
	w.f.Exchanges[step] = ex
	return ex
}

// Refreshed is the refresh exchange whose answer the other refresh clauses judge: the fallback
// when the documented method was refused, else the documented one.
func (f *Flow) Refreshed() *httpx.Exchange {
	if ex := f.Exchanges[RefreshFallback]; ex != nil {
		return ex
	}
	return f.Exchanges[Refresh]
}

// allowedInstead returns the method to retry a refresh with after a 405, from the Allow header.
func allowedInstead(ex *httpx.Exchange, method string) string {
	if ex == nil || ex.Status() != http.StatusMethodNotAllowed {
		return ""
	}
	for _, m := range strings.Split(ex.Header("Allow"), ",") {
		m = strings.ToUpper(strings.TrimSpace(m))
		if (m == "POST" || m == "GET") && m != method {
			return m
		}
	}
	return ""
}

// Tokens returns every token string the flow saw, for the redactor.
func (f *Flow) Tokens() []string {
	var out []string
	for _, ex := range f.Exchanges {
		out = append(out, ex.Tokens()...)
	}
	return out
}
