// Package negative is the negative half of the contract: the requests a server must refuse,
// built from the walked flow's evidence (create's tokens), and the judgement of each answer.
// Everything here is a pure function of that evidence and the configuration, so a recorded run
// replays request for request, and a wrong password is sent only where a case says so.
package negative

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/zonesmart/jwt-conformance/fixtures"
	"net/http"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/flow"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
)

// Fixed values: none derives from a configured secret, so a replay sends what was recorded and
// a report can show them.
const (
	// WrongPassword is the password of every deliberately failed log-in.
	WrongPassword = "zs-conformance-wrong-password"
	// UnknownEmail names no account anywhere (.invalid is reserved, RFC 2606).
	UnknownEmail = "no-such-account@invalid.example"
	// Garbage is a token that is not a JWS at all.
	Garbage = flow.GarbageToken
	// PageRefreshToken is the refresh token printed on the page; it expired in September 2020.
	PageRefreshToken = fixtures.PageRefreshToken
	// OversizedBytes is beyond common body limits: 1 MiB (nginx) and 2.5 MB (Django).
	OversizedBytes = 3 << 20
	// LongValueBytes is a field value far beyond a real one, under common body limits.
	LongValueBytes = 10 << 10
	// LongHeaderBytes is a token far beyond a real one (ten times), under the 8 KiB header
	// limits of gunicorn and nginx, so that the application itself answers it.
	LongHeaderBytes = 6 << 10
	// LongerHeaderBytes is beyond those limits: a front server answers it.
	LongerHeaderBytes = 16 << 10
)

// Labels the suite's bootstrap turns into modes.
const (
	LabelNeedsKey    = "needs-key"    // skipped without the signing key
	LabelLiveOnly    = "live-only"    // sends a freshly minted token, which no fixture can hold
	LabelLockoutRisk = "lockout-risk" // sends credentials that must fail; off with safety.wrong_credentials
	LabelFuzz        = "fuzz"         // sends generated malformed bodies; LABELS='!fuzz' leaves them out
	LabelExhaustive  = "exhaustive"   // requests beyond the default run's; off unless safety.exhaustive
)

// Evidence is what the negative requests are built from.
type Evidence struct {
	Email    string // the log-in email: the configured one, or a replay's
	Password string // its password; only a right log-in sent with the wrong content type uses it
	Access   string // create's access token
	Refresh  string // create's refresh token

	Create, Me, RefreshAt config.Endpoint // RefreshAt's method is the one the flow refreshed with
	Scheme                string
	Algorithm             string
	Key                   []byte // the signing key; empty: keyed cases cannot be built
	Live                  bool   // a live target, where tokens can be minted (not a replay)

	Skew            time.Duration
	AccessLifetime  time.Duration
	RefreshLifetime time.Duration
	Now             time.Time // minted tokens only (live runs): when they expire or start
	Malformed       int       // how many of each malformed family to send
}

// EvidenceFrom gathers the evidence of a walked flow under a configuration.
func EvidenceFrom(f *flow.Flow, cfg *config.Config, now time.Time) Evidence {
	ev := Evidence{
		Email: f.Email, Password: cfg.Password,
		Create: cfg.Create, Me: cfg.Me, RefreshAt: cfg.Refresh,
		Scheme: cfg.Scheme, Algorithm: cfg.Algorithm, Key: []byte(cfg.SigningKey),
		Live: !cfg.Offline(), Skew: cfg.Skew, AccessLifetime: cfg.AccessLifetime, RefreshLifetime: cfg.RefreshLifetime, Now: now, Malformed: cfg.MalformedBodies,
	}
	if ex := f.Exchanges[flow.Create]; ex != nil {
		ev.Refresh, ev.Access = ex.Issued()
	}
	// After a 405 the flow refreshed with the method the server allows; refusals are judged
	// with it too, or every one would be that same 405 (REFRESH-METHOD reports it).
	if ex := f.Exchanges[flow.RefreshFallback]; ex != nil {
		ev.RefreshAt.Method = ex.Request.Method
	}
	return ev
}

// Request is one request of a case.
type Request struct {
	Call httpx.Call
	// WrongPassword marks a log-in with the configured email and a wrong password: the kind
	// that can lock the account, bounded by safety.wrong_password_attempts.
	WrongPassword bool
}

// superseded says that a keyed case judges the clause better here: with the key, on a live
// target, a validly signed token tests what the unkeyed forgery does, and more, and the request
// it would cost is saved.
func (ev Evidence) superseded(by string) error {
	if len(ev.Key) > 0 && ev.Live {
		return fmt.Errorf("judged by the keyed case (%s) instead, since the signing key is set", by)
	}
	return nil
}

func (ev Evidence) needAccess() error {
	if ev.Access == "" {
		return errors.New("create issued no access token to build this request from (see CREATE-SHAPE)")
	}
	return nil
}

func (ev Evidence) needRefresh() error {
	if ev.Refresh == "" {
		return errors.New("create issued no refresh token to build this request from (see CREATE-SHAPE)")
	}
	return nil
}

// jsonHeader is what every documented request carries, GETs included.
func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }

func (ev Evidence) create(step string, body []byte) httpx.Call {
	return httpx.Call{Step: step, Method: ev.Create.Method, Path: ev.Create.Path, Header: jsonHeader(), Body: body}
}

// logIn is a create request with a password in it: never retried (see httpx.Call.Password).
func (ev Evidence) logIn(step, email, password string) httpx.Call {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	c := ev.create(step, body)
	c.Password = true
	return c
}

func (ev Evidence) me(step, authorization string) httpx.Call {
	h := jsonHeader()
	h.Set("Authorization", authorization)
	return httpx.Call{Step: step, Method: ev.Me.Method, Path: ev.Me.Path, Header: h}
}

func (ev Evidence) refresh(step string, body []byte) httpx.Call {
	return httpx.Call{Step: step, Method: ev.RefreshAt.Method, Path: ev.RefreshAt.Path, Header: jsonHeader(), Body: body}
}

func (ev Evidence) refreshWith(step, token string) httpx.Call {
	body, _ := json.Marshal(map[string]string{"refresh": token})
	return ev.refresh(step, body)
}
