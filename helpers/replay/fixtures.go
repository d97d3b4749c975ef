// Package replay runs the suite offline: it loads fixtures (the page's examples, or exchanges
// recorded from a live server) and serves them through gock, matching only the exact request
// each fixture records, so the suite's own client is checked as strictly as the server.
package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"reflect"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Message is a request or an answer as a fixture records it. Body is any JSON value written as
// YAML; BodyText is for bodies that are not JSON.
type Message struct {
	Method   string            `yaml:"method,omitempty"`
	Path     string            `yaml:"path,omitempty"`
	Status   int               `yaml:"status,omitempty"`
	Headers  map[string]string `yaml:"headers,omitempty"`
	Body     any               `yaml:"body,omitempty"`
	BodyText string            `yaml:"body_text,omitempty"`
}

// Fixture is one recorded exchange, named by the flow step that sends it.
type Fixture struct {
	Step       string    `yaml:"step"`
	SentAt     time.Time `yaml:"sent_at,omitempty"`
	ReceivedAt time.Time `yaml:"received_at,omitempty"`
	Request    Message   `yaml:"request"`
	Response   Message   `yaml:"response"`

	name string // file#index, for messages
}

// Name says where the fixture came from, e.g. "auth.yaml exchanges[2] (refresh)".
func (f *Fixture) Name() string { return f.name }

// File is one fixture file.
type File struct {
	Source    string     `yaml:"source"`
	Exchanges []*Fixture `yaml:"exchanges"`
}

// Set is every fixture of a replay, in file and then list order.
type Set struct {
	Source    string
	Fixtures  []*Fixture
	Recorded  bool // true when the fixtures carry the time they were made
	Directory string
}

// Load reads every *.yaml file of dir in fsys, naming the file and field of each problem.
func Load(fsys fs.FS, dir string) (*Set, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("fixtures %s: no *.yaml files there (record some with make record, or unset ZS_FIXTURES)", dir)
	}
	sort.Strings(names)
	set := &Set{Directory: dir}
	var problems []string
	var sources []string
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: cannot be read (%v)", name, err))
			continue
		}
		var file File
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&file); err != nil {
			problems = append(problems, fmt.Sprintf("%s: is not a fixture file (%s)", name, oneLine(err)))
			continue
		}
		if file.Source != "" {
			sources = append(sources, file.Source)
		}
		if len(file.Exchanges) == 0 {
			problems = append(problems, fmt.Sprintf("%s: has no exchanges", name))
		}
		for i, fx := range file.Exchanges {
			fx.name = fmt.Sprintf("%s exchanges[%d] (%s)", path.Base(name), i, fx.Step)
			problems = append(problems, fx.validate()...)
			if !fx.SentAt.IsZero() {
				set.Recorded = true
			}
			set.Fixtures = append(set.Fixtures, fx)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("fixtures %s: %s", dir, strings.Join(problems, "; "))
	}
	set.Source = strings.Join(sources, "; ")
	return set, nil
}

func (f *Fixture) validate() []string {
	var p []string
	add := func(format string, a ...any) { p = append(p, f.name+": "+fmt.Sprintf(format, a...)) }
	if f.Step == "" {
		add("step is required")
	}
	if m := f.Request.Method; m != "GET" && m != "POST" {
		add("request.method %q must be GET or POST", m)
	}
	if !strings.HasPrefix(f.Request.Path, "/") {
		add("request.path %q must start with /", f.Request.Path)
	}
	if f.Response.Status < 100 || f.Response.Status > 599 {
		add("response.status %d is not an HTTP status", f.Response.Status)
	}
	for _, m := range []*Message{&f.Request, &f.Response} {
		if m.Body != nil && m.BodyText != "" {
			add("a message has both body and body_text; keep one")
		}
		if _, err := m.bytes(); err != nil {
			add("body cannot be written as JSON (%v)", err)
		}
	}
	if !f.SentAt.IsZero() && f.ReceivedAt.Before(f.SentAt) {
		add("received_at is before sent_at")
	}
	return p
}

// Has reports whether the set records the given step.
func (s *Set) Has(step string) bool { return len(s.ForStep(step)) > 0 }

// ForStep returns the fixtures recorded for a step, in order.
func (s *Set) ForStep(step string) []*Fixture {
	var out []*Fixture
	for _, f := range s.Fixtures {
		if f.Step == step {
			out = append(out, f)
		}
	}
	return out
}

// Credentials returns the email and password the set's create request logs in with: replay
// sends exactly what was recorded (the page's sample values, or a recording's placeholders).
func (s *Set) Credentials() (string, string, error) {
	// The first create exchange is the flow's log-in; later ones are refusals with other bodies.
	if creates := s.ForStep("create"); len(creates) > 0 {
		if body, ok := creates[0].Request.Body.(map[string]any); ok {
			email, _ := body["email"].(string)
			password, _ := body["password"].(string)
			return email, password, nil
		}
	}
	return "", "", fmt.Errorf("fixtures %s: no create exchange with a JSON {email, password} body to log in with", s.Directory)
}

// bytes renders the message body as sent on the wire.
func (m *Message) bytes() ([]byte, error) {
	if m.BodyText != "" {
		return []byte(m.BodyText), nil
	}
	if m.Body == nil {
		return nil, nil
	}
	return json.Marshal(m.Body)
}

// mismatch says how an actual request differs from the fixture's, or "" when it matches.
func (f *Fixture) mismatch(r *http.Request, body []byte) string {
	var diffs []string
	if r.Method != f.Request.Method {
		diffs = append(diffs, fmt.Sprintf("method %s was sent, %s recorded", r.Method, f.Request.Method))
	}
	if got := r.URL.RequestURI(); got != f.Request.Path {
		diffs = append(diffs, fmt.Sprintf("path %s was sent, %s recorded", got, f.Request.Path))
	}
	for k, want := range f.Request.Headers {
		if got := r.Header.Get(k); got != want {
			diffs = append(diffs, fmt.Sprintf("header %s differs", k))
		}
	}
	if _, recorded := f.Request.Headers["Authorization"]; !recorded && r.Header.Get("Authorization") != "" {
		diffs = append(diffs, "an Authorization header was sent, none recorded")
	}
	if d := bodyDiff(body, &f.Request); d != "" {
		diffs = append(diffs, d)
	}
	return strings.Join(diffs, ", ")
}

func bodyDiff(got []byte, m *Message) string {
	want, _ := m.bytes()
	if len(want) == 0 || len(got) == 0 {
		if len(want) != len(got) {
			return fmt.Sprintf("body of %d bytes was sent, %d recorded", len(got), len(want))
		}
		return ""
	}
	if m.BodyText != "" {
		if !bytes.Equal(got, want) {
			return "body differs"
		}
		return ""
	}
	var g, w any
	if json.Unmarshal(got, &g) != nil {
		return "body sent is not JSON, a JSON body was recorded"
	}
	_ = json.Unmarshal(want, &w)
	if !reflect.DeepEqual(g, normalise(w)) {
		return "JSON body differs"
	}
	return ""
}

// normalise makes YAML-decoded values comparable with JSON-decoded ones.
func normalise(v any) any {
	data, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(data, &out)
	return out
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.TrimPrefix(err.Error(), "yaml: ")), " ")
}
