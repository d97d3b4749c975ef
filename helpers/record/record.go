// Package record captures a live run as fixtures that the offline replay serves: every exchange
// becomes one fixture file, in the page replay's format, with the time it was made and no
// usable credential in it.
//
// What a recording keeps and what it replaces:
//   - the log-in password becomes Placeholder wherever it appears, so replay logs in with the
//     placeholder (replay.Set.Credentials reads it from the create fixture) and matches;
//   - every token's signature becomes REDACTED (redact.Token), in bodies and in Authorization
//     headers alike, so replay, which only ever sees the redacted tokens, sends exactly the
//     strings recorded. The page's own tokens (and tokens carrying their signatures) stay as
//     they are: their signatures are printed on the page, and the suite sends them verbatim;
//   - cookies are masked, and the signing key must never appear.
//
// Every file is written through the run's out.Door, so the run's redactor (the secrets in all
// their encodings, the signing key's triples, every token it learned) masks what the steps
// above missed, and a file in which the redactor's Find still sees a secret, a live signature
// or a triple that verifies under the key is refused, not written.
//
// Files are named p<process>-<sequence>-<step>.yaml and created exclusively, so under
// ginkgo -p every process writes its own exchanges, in the order it sent them, and none can
// overwrite another's.
package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/zonesmart/jwt-conformance/fixtures"
	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/out"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
	"github.com/zonesmart/jwt-conformance/helpers/replay"
)

// Placeholder stands for the log-in password in recorded fixtures.
const Placeholder = "recorded-password-placeholder"

// Options configures a recorder.
type Options struct {
	Dir      string
	Process  int    // Ginkgo's parallel process number, from 1
	Target   string // the live base URL; fixture paths are relative to it
	Password string
	// Secrets are other values that must never be written, such as the signing key.
	Secrets []string
	// Door writes the files: the run's door, whose redactor knows the run's secrets and every
	// token it learned. Without one, a door of the recorder's own redacts with Password and
	// Secrets alone.
	Door *out.Door
}

// Recorder writes each exchange it is given as a fixture file. It is safe for concurrent use.
type Recorder struct {
	o       Options
	public  map[string]bool // signatures printed on the page
	mu      sync.Mutex
	seq     int
	tokens  map[string]bool // tokens seen in this process, masked by value too
	written []string
	skipped []string
	errs    []string
}

// New prepares dir. Process 1 requires it to hold no fixtures yet: fixtures left from an earlier
// recording would be replayed with this one. Other processes start writing only after process
// 1 has walked the flow, so the check cannot race with them.
func New(o Options) (*Recorder, error) {
	if o.Process < 1 {
		o.Process = 1
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("record.dir %s: cannot be created (%v)", o.Dir, rootErr(err))
	}
	if o.Process == 1 {
		old, _ := filepath.Glob(filepath.Join(o.Dir, "*.yaml"))
		if len(old) > 0 {
			return nil, fmt.Errorf("record.dir %s: already holds %d fixture file(s) (%s…); record into an empty or new directory (ZS_RECORD_DIR)", o.Dir, len(old), filepath.Base(old[0]))
		}
	}
	page, err := pageTokens()
	if err != nil {
		return nil, err
	}
	if o.Door == nil {
		o.Door = out.New(redact.New(append([]string{o.Password}, o.Secrets...)...), io.Discard, io.Discard)
	}
	// The page's tokens are sent verbatim, so they are recorded verbatim.
	o.Door.Redactor().AddPublic(page...)
	public := map[string]bool{}
	for _, t := range page {
		public[signature(t)] = true
	}
	return &Recorder{o: o, public: public, tokens: map[string]bool{}}, nil
}

// Record writes one exchange. Problems are kept for Err: a recording must not change how the
// run it records behaves.
func (r *Recorder) Record(ex *httpx.Exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ex.Response == nil {
		// Nothing answered: there is nothing to replay, and the replay says the step was not
		// recorded.
		// The error may quote what the server sent: keep its class and a few characters.
		r.skipped = append(r.skipped, fmt.Sprintf("%s (no answer: %s)", ex.Step, r.o.Door.Redactor().Bound(ex.Err, redact.DefaultBound)))
		return
	}
	r.learn(ex)
	fx, err := r.fixture(ex)
	if err == nil {
		err = r.write(fx)
	}
	if err != nil {
		r.errs = append(r.errs, fmt.Sprintf("%s: %v", ex.Step, err))
	}
}

// Err reports every exchange that could not be recorded for a reason other than having no answer.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.errs) == 0 {
		return nil
	}
	return fmt.Errorf("recording into %s: %s", r.o.Dir, strings.Join(r.errs, "; "))
}

// Summary says what this process recorded.
func (r *Recorder) Summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := fmt.Sprintf("recorded %d exchange(s) into %s", len(r.written), r.o.Dir)
	if len(r.skipped) > 0 {
		s += fmt.Sprintf("; not recorded, having no answer: %s", strings.Join(r.skipped, ", "))
	}
	return s
}

// learn remembers the tokens an answer issued, so that they and their signatures are masked by
// value wherever they reappear, whatever their shape. Tokens in requests are not learned: the
// suite sends server-issued tokens (JWS-shaped, or learned here or through Learn), the page's
// tokens, and strings it derives deterministically, which replay must see unchanged.
func (r *Recorder) learn(ex *httpx.Exchange) {
	refresh, access := ex.Issued()
	for _, s := range []string{access, refresh} {
		if strings.Count(s, ".") == 2 {
			r.tokens[s] = true
		}
	}
}

// Learn adds tokens this process did not see issued: under ginkgo -p, those of the flow walked
// on process 1.
func (r *Recorder) Learn(tokens ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range tokens {
		if strings.Count(t, ".") == 2 {
			r.tokens[t] = true
		}
	}
}

func (r *Recorder) fixture(ex *httpx.Exchange) (*replay.Fixture, error) {
	fx := &replay.Fixture{
		Step:       ex.Step,
		SentAt:     ex.Sent.UTC(),
		ReceivedAt: ex.Received.UTC(),
		Request:    replay.Message{Method: ex.Request.Method, Path: r.path(ex.Request.URL), Headers: r.headers(ex.Request.Header, nil)},
		// The replay renders the body itself, so the recorded length would be a lie.
		Response: replay.Message{Status: ex.Response.Status, Headers: r.headers(ex.Response.Header, map[string]bool{"Content-Length": true})},
	}
	if err := r.body(&fx.Request, ex.Request.Body); err != nil {
		return nil, err
	}
	if err := r.body(&fx.Response, ex.Response.Body); err != nil {
		return nil, err
	}
	return fx, nil
}

// path is the request target relative to the base URL, as the replay's requests carry it.
func (r *Recorder) path(full string) string {
	if p, ok := strings.CutPrefix(full, strings.TrimRight(r.o.Target, "/")); ok && strings.HasPrefix(p, "/") {
		return r.clean(p)
	}
	if u, err := url.Parse(full); err == nil {
		return r.clean(u.RequestURI())
	}
	return r.clean(full)
}

func (r *Recorder) headers(h http.Header, drop map[string]bool) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, vs := range h {
		k = http.CanonicalHeaderKey(k)
		switch {
		case drop[k]:
			continue
		case k == "Cookie" || k == "Set-Cookie":
			out[k] = redact.Mask
		default:
			out[k] = r.clean(strings.Join(vs, ", "))
		}
	}
	return out
}

// body records a JSON body as YAML, for people to read, when the replay will serve it back
// exactly (same values, numbers written the same); any other body is kept as text.
func (r *Recorder) body(m *replay.Message, raw []byte) error {
	if len(raw) == 0 {
		return nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) == nil && !dec.More() {
		v = r.value(v)
		if y := yamlValue(v); servedAs(y, v) {
			m.Body = y
			return nil
		}
		// Not faithful as YAML (a number written 1.0, say): keep the redacted text.
	}
	m.BodyText = r.clean(string(raw))
	return nil
}

// yamlValue turns JSON numbers into Go numbers, which YAML writes as numbers.
func yamlValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = yamlValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = yamlValue(e)
		}
		return out
	}
	return v
}

// value redacts every string of a decoded JSON value.
func (r *Recorder) value(v any) any {
	switch x := v.(type) {
	case string:
		return r.clean(x)
	case map[string]any:
		for k, e := range x {
			x[k] = r.value(e)
		}
	case []any:
		for i, e := range x {
			x[i] = r.value(e)
		}
	}
	return v
}

// A compact JWS whose header starts with '{"'; other token shapes are masked by value.
var jws = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+`)

// text replaces every secret in s: other secrets are masked, tokens lose their signatures
// unless the page printed them, and the password becomes the placeholder.
func (r *Recorder) text(s string) string {
	for _, sec := range r.o.Secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, redact.Mask)
		}
	}
	known := make([]string, 0, len(r.tokens))
	for t := range r.tokens {
		known = append(known, t)
	}
	// Longest first, so a token is replaced whole before anything it contains.
	sort.Slice(known, func(i, j int) bool { return len(known[i]) > len(known[j]) })
	for _, t := range known {
		s = strings.ReplaceAll(s, t, r.token(t))
	}
	// A live signature alone, as in a token the suite altered around it.
	for _, t := range known {
		if sig := signature(t); len(sig) > 8 && !r.public[sig] {
			s = strings.ReplaceAll(s, sig, redact.SignatureMask)
		}
	}
	s = jws.ReplaceAllStringFunc(s, r.token)
	if r.o.Password != "" {
		s = strings.ReplaceAll(s, r.o.Password, Placeholder)
	}
	return s
}

// clean is text, then the run's redactor, value by value before YAML quotes it: a mask written
// over a bare YAML scalar afterwards (***) would read as an alias.
func (r *Recorder) clean(s string) string { return r.o.Door.Redact(r.text(s)) }

func signature(t string) string { return t[strings.LastIndexByte(t, '.')+1:] }

func (r *Recorder) token(t string) string {
	if r.public[signature(t)] {
		return t
	}
	return redact.Token(t)
}

func (r *Recorder) write(fx *replay.Fixture) error {
	r.seq++
	file := replay.File{Exchanges: []*replay.Fixture{fx}}
	if r.o.Process == 1 && r.seq == 1 {
		// One file names the source, so a replay says what it replays without repeating it.
		file.Source = fmt.Sprintf("recording of %s, %s", r.clean(redact.URL(r.o.Target)), fx.SentAt.Format("2006-01-02 15:04 MST"))
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Recorded by the conformance suite (make record), process %d. The password is a\n"+
		"# placeholder and token signatures are REDACTED: nothing here logs in anywhere.\n", r.o.Process)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(file); err != nil {
		return fmt.Errorf("cannot be written as YAML (%v)", err)
	}
	if err := enc.Close(); err != nil {
		return err
	}
	redacted := r.o.Door.Redact(b.String())
	if leak := r.leak(redacted); leak != "" {
		return fmt.Errorf("not written: it would still hold %s", leak)
	}
	if redacted != b.String() {
		// The door masked what the values alone did not show (a secret across YAML's own
		// escapes): the file must still be one the replay reads.
		var check replay.File
		if err := yaml.Unmarshal([]byte(redacted), &check); err != nil {
			return fmt.Errorf("not written: masking it left no valid fixture (%v)", err)
		}
	}
	name := fmt.Sprintf("p%d-%04d-%s.yaml", r.o.Process, r.seq, safeName(fx.Step))
	if err := r.o.Door.CreateFile(filepath.Join(r.o.Dir, name), []byte(redacted)); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists: another recording writes into %s", name, r.o.Dir)
		}
		return err
	}
	r.written = append(r.written, name)
	return nil
}

// leak is the last line of defence: the text must hold no secret, no live signature, and
// nothing the redactor's Find sees (a secret in any encoding, a learned token, a token by its
// shape with its signature, a triple that verifies under the signing key).
func (r *Recorder) leak(s string) string {
	if r.o.Password != "" && r.o.Password != Placeholder && strings.Contains(s, r.o.Password) {
		return "the password"
	}
	for _, sec := range r.o.Secrets {
		if sec != "" && strings.Contains(s, sec) {
			return "a configured secret"
		}
	}
	for t := range r.tokens {
		if sig := signature(t); len(sig) > 8 && !r.public[sig] && strings.Contains(s, sig) {
			return "a token signature"
		}
	}
	if found := r.o.Door.Redactor().Find(s); len(found) > 0 {
		return fmt.Sprintf("%s (found by the redactor)", found[0])
	}
	return ""
}

// servedAs reports whether the replay, which reads y back from YAML and writes it as JSON, serves
// the JSON value that was recorded, numbers written as they were.
func servedAs(y, recorded any) bool {
	var b bytes.Buffer
	if err := yaml.NewEncoder(&b).Encode(y); err != nil {
		return false
	}
	var back any
	if yaml.Unmarshal(b.Bytes(), &back) != nil {
		return false
	}
	served, err := json.Marshal(back)
	if err != nil {
		return false
	}
	want, err := json.Marshal(recorded)
	return err == nil && canonical(served) == canonical(want)
}

// canonical re-encodes JSON with numbers kept as written and keys sorted.
func canonical(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return string(data)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9-]+`)

func safeName(step string) string {
	s := strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(step), "-"), "-")
	if s == "" {
		return "exchange"
	}
	return s
}

// pageTokens are the tokens the page prints: public, and sent verbatim by the suite (the page's
// expired access token, for one).
func pageTokens() ([]string, error) {
	set, err := replay.Load(fixtures.Page, "page")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, fx := range set.Fixtures {
		for _, m := range []replay.Message{fx.Request, fx.Response} {
			text := m.BodyText
			if m.Body != nil {
				b, _ := json.Marshal(m.Body)
				text = string(b)
			}
			for _, v := range m.Headers {
				text += " " + v
			}
			out = append(out, jws.FindAllString(text, -1)...)
		}
	}
	return out, nil
}

func rootErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
