package auth_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/zonesmart/jwt-conformance/helpers/checks"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/negative"
)

// "Working with the API requires authorisation": what a server must refuse. Each entry builds
// its requests from the flow's evidence (create's tokens), sends them and judges every answer.
var _ = Describe("POST /v1/zonesmart/auth/jwt/create/", func() {
	DescribeTable("refusing what must not log in", refuse,
		entry(negative.CreateWrongPassword),
		entry(negative.CreateUnknownEmail),
		entry(negative.CreateNoEnumeration),
		entry(negative.CreateMissingField),
		entry(negative.CreateNotJSON),
		entry(negative.CreateContentType),
		entry(negative.CreateOversized),
		entry(negative.CreateMalformed),
	)
})

var _ = Describe("GET /users/me/", func() {
	DescribeTable("refusing what is not a valid access token", refuse,
		entry(negative.MeBearer),
		entry(negative.MeLowercaseScheme),
		entry(negative.MeSchemeOnly),
		entry(negative.MeExtraParts),
		entry(negative.MeGarbage),
		entry(negative.MeTampered),
		entry(negative.MeSigStripped),
		entry(negative.MeAlgNone),
		entry(negative.MeAlgChanged),
		entry(negative.MeAlgChangedSigned),
		entry(negative.MeExpiredSigned),
		entry(negative.MeNbfFuture),
		entry(negative.MeMissingClaim),
	)
})

var _ = Describe("GET /auth/jwt/refresh/", func() {
	DescribeTable("refusing what is not a valid refresh token", refuse,
		entry(negative.RefreshWithAccess),
		entry(negative.RefreshGarbage),
		entry(negative.RefreshTampered),
		entry(negative.RefreshExpiredExample),
		entry(negative.RefreshExpiredSigned),
		entry(negative.RefreshMissingField),
		entry(negative.RefreshMalformed),
	)
})

// entry is a table row labelled with its clause, severity and endpoint, and with the modes
// (needs-key, live-only, lockout-risk, fuzz) the bootstrap gates on.
func entry(c negative.Case) TableEntry {
	GinkgoHelper()
	args := labelsOf(c.Clause)
	if ls := c.Labels(); len(ls) > 0 {
		args = append(args, Label(ls...))
	}
	return Entry(c.Text, append(args, c)...)
}

// wrongPasswords counts this process's wrong-password log-ins against the configured bound.
var wrongPasswords negative.Lockout

func refuse(c negative.Case) {
	if evidence.Fatal != "" {
		// The target never answered the log-in: every request here would fail the same way.
		judgeSent(c.Clause, checks.Result{Outcome: checks.Fail, Message: evidence.Fatal, Fatal: true})
		return
	}
	reqs, err := c.Build(negativeEvidence())
	if err != nil {
		Skip(redactor.String("cannot build the request: " + err.Error()))
	}
	if fixtureSet != nil {
		// Check every step first, so a replay never sends half a case.
		for _, r := range reqs {
			if !fixtureSet.Has(r.Call.Step) {
				Skip(fmt.Sprintf("the fixtures record no %q exchange (the page shows none); record a live server with make record, or set ZS_BASE_URL", r.Call.Step))
			}
		}
	}
	if err := wrongPasswords.Reserve(c, negative.WrongPasswords(reqs), cfg.WrongPasswordAttempts); err != nil {
		Skip(err.Error())
	}
	answers := make([]*httpx.Exchange, 0, len(reqs))
	for _, r := range reqs {
		answers = append(answers, send(r.Call))
	}
	judgeSent(c.Clause, c.Judge(answers))
}

// negativeEvidence is the flow's evidence with a replay's credentials in place of the
// configured ones, so a replay sends exactly what was recorded.
func negativeEvidence() negative.Evidence {
	ev := negative.EvidenceFrom(evidence, cfg, time.Now())
	ev.Email = env.Email
	if fixtureSet != nil {
		_, ev.Password, _ = fixtureSet.Credentials()
	}
	return ev
}
