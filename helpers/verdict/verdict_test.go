package verdict

import (
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/clauses"
	"github.com/zonesmart/jwt-conformance/helpers/config"
)

var (
	must   = clauses.Clause{ID: "REFRESH-METHOD", Severity: clauses.Must, Section: "Using the refresh token", Statement: "s"}
	should = clauses.Clause{ID: "CLAIM-EXTRA", Severity: clauses.Should, Section: "Obtaining tokens", Statement: "s"}
	broken = Finding{Kind: Fail, Message: "405"}
	now    = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
)

func TestSeverityAndStrict(t *testing.T) {
	cfg := &config.Config{}
	if d := Decide(must, broken, cfg, now); d.Kind != Fail || !strings.Contains(d.Message, "[REFRESH-METHOD · MUST · Using the refresh token]") || !strings.Contains(d.Message, "found: 405") {
		t.Errorf("MUST: %+v", d)
	}
	if d := Decide(should, broken, cfg, now); d.Kind != Warn {
		t.Errorf("SHOULD must warn: %+v", d)
	}
	cfg.Strict = true
	if d := Decide(should, broken, cfg, now); d.Kind != Fail {
		t.Errorf("SHOULD must fail in strict mode: %+v", d)
	}
	if d := Decide(must, Finding{Kind: Pass}, cfg, now); d.Kind != Pass {
		t.Errorf("pass: %+v", d)
	}
	if d := Decide(must, Finding{Kind: Skip, Message: "needs key"}, cfg, now); d.Kind != Skip || !strings.Contains(d.Message, "needs key") {
		t.Errorf("skip: %+v", d)
	}
}

func TestUnreachableTargetFailsEvenShouldClauses(t *testing.T) {
	if d := Decide(should, Finding{Kind: Fail, Message: "target unreachable", Fatal: true}, &config.Config{}, now); d.Kind != Fail {
		t.Errorf("a fatal result must fail a SHOULD clause too: %+v", d)
	}
}

func TestWaivers(t *testing.T) {
	cfg := &config.Config{Waivers: []config.Waiver{{Clause: "REFRESH-METHOD", Reason: "stock simplejwt", Expires: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}}}
	if d := Decide(must, broken, cfg, now); d.Kind != Waived || !strings.Contains(d.Message, "deviation (accepted: stock simplejwt") {
		t.Errorf("waived: %+v", d)
	}
	if d := Decide(must, broken, cfg, now.AddDate(0, 1, 0)); d.Kind != Fail || !strings.Contains(d.Message, "expired on 2026-12-01") {
		t.Errorf("expired waiver must fail, saying so: %+v", d)
	}
	if d := Decide(must, Finding{Kind: Pass}, cfg, now); d.Kind != Pass {
		t.Errorf("a waived clause that holds passes: %+v", d)
	}
}
