package safety

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/redact"
	"github.com/zonesmart/jwt-conformance/helpers/tokens"
)

// Canaries: values that appear nowhere else, so any trace of them in the run's output is a leak.
var canary = account{email: "canary-7c41@canary.example", password: "canary-pw-5f1e9a27c3"}

const canaryKey = "canary-key-8d2b6e4f1a07c9"

// emailIsSecret: the email is evidence, not a secret. ME-IDENTITY and CLAIM-EMAIL name it when
// they fail, and every redacted token keeps its claims (the email among them) as evidence, so
// masking it in plain text would hide nothing. Its appearances are logged, not failed.
const emailIsSecret = false

// faultsThatPrintExchanges make clauses fail whose transcripts hold the password (create),
// issued tokens (create, refresh) and minted tokens (the keyed refusals).
var faultsThatPrintExchanges = []string{
	"create-status-201", "me-status-202", "refresh-status-201", "wrong-password-200",
	"signature-not-checked", "me-accepts-expired", "refresh-accepts-expired",
}

// The whole suite with failures forced, using canary credentials and key: no file the run
// writes, and neither of its output streams, holds the password, the key, or a token whose
// signature verifies under the key.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	var sawPassword atomic.Bool
	leaky := echo(mock(t, canary, canaryKey, faultsThatPrintExchanges...), &sawPassword)
	env := target(serve(t, leaky), canary)
	env["ZS_SIGNING_KEY"] = canaryKey
	env["ZS_MALFORMED_BODIES"] = "50"
	res, _ := runSuite(t, time.Minute, env)

	// Not vacuous: the secrets were on the wire, failures were forced and transcripts written.
	if !sawPassword.Load() {
		t.Fatal("the canary password never reached the server")
	}
	failing := strings.Join(res.Failing(), " ")
	for _, id := range []string{"CREATE-STATUS", "ME-STATUS", "CREATE-WRONG-PASSWORD", "ME-TAMPERED", "ME-EXPIRED-SIGNED", "REFRESH-EXPIRED"} {
		if !strings.Contains(failing, id) {
			t.Errorf("%s should fail against the faulty server (failing: %s)", id, failing)
		}
	}
	if res.ExitCode != 1 || !strings.Contains(res.Output, "── request (create)") {
		t.Fatalf("the run must fail with transcripts: exit %d\n%s", res.ExitCode, res.Output)
	}
	// The echoed key was printed, masked: the by-value redaction was put to work.
	if !strings.Contains(res.Output, `"key":"`+redact.Mask+`"`) {
		t.Errorf("no transcript shows the echoed key masked; the canary proved nothing")
	}

	outputs := map[string][]byte{"the run's stdout and stderr": []byte(res.Output)}
	err := filepath.WalkDir(res.Dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(res.Dir, path)
		outputs[rel] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := outputs["report.json"]; !ok {
		t.Fatalf("the run wrote no report.json: %v", outputs)
	}
	for name, data := range outputs {
		for what, secret := range map[string]string{"password": canary.password, "signing key": canaryKey} {
			if n := bytes.Count(data, []byte(secret)); n > 0 {
				t.Errorf("%s holds the canary %s %d times", name, what, n)
			}
		}
		for _, tok := range verifying(data) {
			t.Errorf("%s holds a token that verifies under the canary key: %s", name, tokenHead(tok))
		}
		if n := bytes.Count(data, []byte(canary.email)); n > 0 {
			if emailIsSecret {
				t.Errorf("%s holds the canary email %d times", name, n)
			} else {
				t.Logf("%s names the canary email %d times (evidence, not a secret)", name, n)
			}
		}
	}
}

var jwsLike = regexp.MustCompile(`[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}`)

// verifying finds every token in data whose signature verifies under the canary key.
func verifying(data []byte) []string {
	var out []string
	for _, m := range jwsLike.FindAll(data, -1) {
		for _, alg := range []string{"HS256", "HS384", "HS512"} {
			if tokens.Verify(string(m), []byte(canaryKey), alg) == nil {
				out = append(out, string(m))
				break
			}
		}
	}
	return out
}

// tokenHead names a leaked token without leaking it again.
func tokenHead(tok string) string {
	return tok[:strings.LastIndexByte(tok, '.')] + ".<signature>"
}

// echo wraps a server that also reflects, in every JSON object it answers, the raw request
// body, the raw Authorization header and its signing key: the worst a debugging server does.
func echo(next http.Handler, sawPassword *atomic.Bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(canary.password)) {
			sawPassword.Store(true)
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		out := rec.Body.Bytes()
		var obj map[string]any
		if json.Unmarshal(out, &obj) == nil && len(body) < 4096 {
			obj["debug"] = map[string]string{"body": string(body), "authorization": r.Header.Get("Authorization"), "key": canaryKey}
			out, _ = json.Marshal(obj)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
	})
}

// The search itself finds a leaked token, and not its redacted form.
func TestTheCanarySearchFindsSignedTokens(t *testing.T) {
	tok, err := tokens.Mint(map[string]any{"user_id": 7}, []byte(canaryKey), "HS384")
	if err != nil {
		t.Fatal(err)
	}
	if got := verifying([]byte(`{"access":"` + tok + `"}`)); len(got) != 1 {
		t.Fatalf("a signed token was not found: %v", got)
	}
	if got := verifying([]byte(redact.New().String(`{"access":"` + tok + `"}`))); len(got) != 0 {
		t.Fatalf("a redacted token was taken for a leak: %v", got)
	}
}
