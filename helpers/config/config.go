// Package config loads the suite's configuration: defaults, then a YAML file, then the
// environment. It validates everything before any spec runs and reports every problem at
// once, one line each naming the key, the value and the rule.
package config

import (
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Endpoint is one documented request target.
type Endpoint struct {
	Method string
	Path   string
}

// Waiver accepts a known deviation of one clause until a date.
type Waiver struct {
	Clause  string
	Reason  string
	Expires time.Time // the waiver holds through this day (UTC)
}

// Config is the validated configuration.
type Config struct {
	BaseURL    string // empty: offline replay
	Email      string
	Password   string
	SigningKey string
	Fixtures   string // a directory of recorded fixtures; empty: the page's own examples

	Create, Me, Refresh Endpoint
	Scheme              string
	Algorithm           string

	AccessLifetime  time.Duration
	RefreshLifetime time.Duration
	Skew            time.Duration

	Timeout       time.Duration
	RunBudget     time.Duration
	Retries       int
	MaxRetryAfter time.Duration

	WrongCredentials      bool
	WrongPasswordAttempts int
	MalformedBodies       int

	Strict     bool
	Waivers    []Waiver
	ReportsDir string
	// RecordDir, when set, receives every exchange of a live run as a redacted fixture.
	RecordDir string

	// Sources says where each key's value came from (default, file line, env var), for messages.
	Sources map[string]string
}

// Offline reports whether the run replays fixtures instead of calling a server.
func (c *Config) Offline() bool { return c.BaseURL == "" }

// Secrets returns the configured values that must never appear in any output.
func (c *Config) Secrets() []string {
	var s []string
	for _, v := range []string{c.Password, c.SigningKey} {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}

// Problems is every configuration problem found, in key order.
type Problems []string

func (p Problems) Error() string { return strings.Join(p, "\n") }

// Key describes one configuration key: its YAML path, environment variable, default and rule.
type Key struct {
	Path    string
	Env     string
	Default string
	Secret  bool
	Doc     string
	set     func(c *Config, v string) string // returns the broken rule, or ""
}

// Keys is the table every part of loading works from: defaults, env overrides, ${VAR}
// expansion, validation and the documentation test of config.example.yaml.
var Keys = []Key{
	{"target.base_url", "ZS_BASE_URL", "", false, "server to test; empty replays fixtures offline", func(c *Config, v string) string {
		if v == "" {
			return ""
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "is not an absolute http(s) URL (e.g. https://staging.example.com)"
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return "must not carry a query or fragment"
		}
		c.BaseURL = strings.TrimRight(v, "/")
		return ""
	}},
	{"target.email", "ZS_EMAIL", "", false, "log-in email (live runs)", func(c *Config, v string) string { c.Email = v; return "" }},
	{"target.password", "ZS_PASSWORD", "", true, "log-in password (live runs); use ${VAR}, never a literal", func(c *Config, v string) string { c.Password = v; return "" }},
	{"target.signing_key", "ZS_SIGNING_KEY", "", true, "HMAC key; enables signature checks and minted-token specs", func(c *Config, v string) string { c.SigningKey = v; return "" }},
	{"target.fixtures", "ZS_FIXTURES", "", false, "directory of recorded fixtures to replay; empty: the page's examples", func(c *Config, v string) string { c.Fixtures = v; return "" }},
	{"endpoints.create.method", "ZS_CREATE_METHOD", "POST", false, "", setMethod(func(c *Config) *Endpoint { return &c.Create })},
	{"endpoints.create.path", "ZS_CREATE_PATH", "/v1/zonesmart/auth/jwt/create/", false, "", setPath(func(c *Config) *Endpoint { return &c.Create })},
	{"endpoints.me.method", "ZS_ME_METHOD", "GET", false, "", setMethod(func(c *Config) *Endpoint { return &c.Me })},
	{"endpoints.me.path", "ZS_ME_PATH", "/users/me/", false, "", setPath(func(c *Config) *Endpoint { return &c.Me })},
	{"endpoints.refresh.method", "ZS_REFRESH_METHOD", "GET", false, "the page shows GET with a JSON body; djoser/simplejwt answer POST", setMethod(func(c *Config) *Endpoint { return &c.Refresh })},
	{"endpoints.refresh.path", "ZS_REFRESH_PATH", "/auth/jwt/refresh/", false, "", setPath(func(c *Config) *Endpoint { return &c.Refresh })},
	{"auth.scheme", "ZS_AUTH_SCHEME", "JWT", false, "Authorization header scheme", func(c *Config, v string) string {
		if !schemePattern.MatchString(v) {
			return "is not a header scheme (one word, e.g. JWT)"
		}
		c.Scheme = v
		return ""
	}},
	{"auth.algorithm", "ZS_ALGORITHM", "HS256", false, "the only algorithm accepted when verifying signatures", func(c *Config, v string) string {
		switch v {
		case "HS256", "HS384", "HS512":
			c.Algorithm = v
			return ""
		}
		return "is not a supported algorithm (HS256, HS384 or HS512)"
	}},
	{"lifetimes.access", "ZS_ACCESS_LIFETIME", "2h", false, "", setDuration(func(c *Config) *time.Duration { return &c.AccessLifetime }, false)},
	{"lifetimes.refresh", "ZS_REFRESH_LIFETIME", "2160h", false, "90 days; \"90d\" is accepted too", setDuration(func(c *Config) *time.Duration { return &c.RefreshLifetime }, false)},
	{"clock.skew", "ZS_CLOCK_SKEW", "30s", false, "tolerance between our clock and the server's", setDuration(func(c *Config) *time.Duration { return &c.Skew }, true)},
	{"http.timeout", "ZS_HTTP_TIMEOUT", "10s", false, "per request", setDuration(func(c *Config) *time.Duration { return &c.Timeout }, false)},
	{"http.run_budget", "ZS_RUN_BUDGET", "5m", false, "the whole run; requests past it fail at once", setDuration(func(c *Config) *time.Duration { return &c.RunBudget }, false)},
	{"http.retries", "ZS_HTTP_RETRIES", "2", false, "on connection errors and 502/503/504, never for requests carrying a password", setInt(func(c *Config) *int { return &c.Retries }, 0, 5)},
	{"http.max_retry_after", "ZS_MAX_RETRY_AFTER", "10s", false, "longest Retry-After honoured on 429", setDuration(func(c *Config) *time.Duration { return &c.MaxRetryAfter }, true)},
	{"safety.wrong_credentials", "ZS_WRONG_CREDENTIALS", "true", false, "false: never send a wrong password (lockout-risk specs skip)", setBool(func(c *Config) *bool { return &c.WrongCredentials })},
	{"safety.wrong_password_attempts", "ZS_WRONG_PASSWORD_ATTEMPTS", "2", false, "most wrong-password log-ins one run may send", setInt(func(c *Config) *int { return &c.WrongPasswordAttempts }, 0, 5)},
	{"safety.malformed_bodies", "ZS_MALFORMED_BODIES", "1", false, "generated malformed bodies sent to create and to refresh, each: the family's first; 50 sends them all", setInt(func(c *Config) *int { return &c.MalformedBodies }, 0, 50)},
	{"strict", "ZS_STRICT", "false", false, "true: SHOULD findings fail the run", setBool(func(c *Config) *bool { return &c.Strict })},
	{"reports.dir", "ZS_REPORTS_DIR", "reports", false, "", func(c *Config, v string) string {
		if strings.TrimSpace(v) == "" {
			return "must name a directory"
		}
		c.ReportsDir = v
		return ""
	}},
	{"record.dir", "ZS_RECORD_DIR", "", false, "live runs: write every exchange here as a redacted fixture to replay later (make record)", func(c *Config, v string) string { c.RecordDir = v; return "" }},
}

// KnownClause is set by the caller so waivers can be checked against the catalogue without
// this package importing it.
type KnownClause func(id string) bool

// Load builds the configuration from defaults, the YAML file at path (if any) and env.
func Load(path string, env func(string) (string, bool), known KnownClause) (*Config, error) {
	values := map[string]string{}
	sources := map[string]string{}
	for _, k := range Keys {
		values[k.Path] = k.Default
		sources[k.Path] = "default"
	}
	var problems Problems
	var waiverNodes *yaml.Node
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, Problems{fmt.Sprintf("config file %s: cannot be read (%v); check ZS_CONFIG or --config", path, rootErr(err))}
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, Problems{fmt.Sprintf("config file %s: is not valid YAML (%v)", path, strings.TrimPrefix(err.Error(), "yaml: "))}
		}
		if len(doc.Content) > 0 {
			waiverNodes = flatten(doc.Content[0], "", path, values, sources, &problems)
		}
	}
	for _, k := range Keys {
		if v, ok := env(k.Env); ok {
			values[k.Path] = v
			sources[k.Path] = k.Env
		}
	}
	cfg := &Config{Sources: sources}
	for _, k := range Keys {
		v := values[k.Path]
		expanded, missing := expand(v, env)
		if missing != "" {
			problems = append(problems, fmt.Sprintf("%s: ${%s} is not set in the environment (%s)", k.Path, missing, sources[k.Path]))
			continue
		}
		if rule := k.set(cfg, strings.TrimSpace(expanded)); rule != "" {
			shown := fmt.Sprintf("%q", expanded)
			if k.Secret {
				shown = "(secret)"
			}
			from := fmt.Sprintf("from %s; env %s", sources[k.Path], k.Env)
			if sources[k.Path] == k.Env {
				from = "from " + k.Env
			}
			problems = append(problems, fmt.Sprintf("%s: %s %s (%s)", k.Path, shown, rule, from))
		}
	}
	if waiverNodes != nil {
		cfg.Waivers = parseWaivers(waiverNodes, path, known, &problems)
	}
	problems = append(problems, crossCheck(cfg, strings.TrimSpace(values["target.base_url"]) != "")...)
	if len(problems) > 0 {
		return nil, problems
	}
	return cfg, nil
}

func crossCheck(c *Config, targetSet bool) []string {
	var p []string
	if targetSet {
		if c.Email == "" {
			p = append(p, "target.email: required when target.base_url is set (set ZS_EMAIL)")
		}
		if c.Password == "" {
			p = append(p, "target.password: required when target.base_url is set (set ZS_PASSWORD)")
		}
		if c.Fixtures != "" {
			p = append(p, "target.fixtures: cannot be used with target.base_url; choose a live target or a replay, not both")
		}
	} else if c.RecordDir != "" {
		p = append(p, "record.dir: records a live target, so it needs target.base_url (ZS_BASE_URL); a replay has nothing new to record")
	}
	if c.RefreshLifetime > 0 && c.AccessLifetime > 0 && c.RefreshLifetime <= c.AccessLifetime {
		p = append(p, fmt.Sprintf("lifetimes.refresh: %s must be longer than lifetimes.access (%s)", c.RefreshLifetime, c.AccessLifetime))
	}
	return p
}

// flatten walks a YAML mapping into dotted keys, naming unknown keys and misplaced values by
// line. It returns the waivers node, which is a list and handled on its own.
func flatten(n *yaml.Node, prefix, file string, values, sources map[string]string, problems *Problems) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		where := strings.TrimSuffix(prefix, ".")
		if where == "" {
			where = "config"
		}
		*problems = append(*problems, fmt.Sprintf("%s: must be a mapping of keys (%s line %d)", where, file, n.Line))
		return nil
	}
	var waivers *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := prefix + k.Value
		switch {
		case path == "waivers":
			if v.Kind != yaml.SequenceNode && !(v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
				*problems = append(*problems, fmt.Sprintf("waivers: must be a list of {clause, reason, expires} (%s line %d)", file, v.Line))
				continue
			}
			waivers = v
		case isKey(path):
			if v.Kind != yaml.ScalarNode {
				*problems = append(*problems, fmt.Sprintf("%s: must be a single value, not a list or mapping (%s line %d)", path, file, v.Line))
				continue
			}
			if v.Tag == "!!null" {
				continue // "key:" with nothing keeps the default
			}
			values[path] = v.Value
			sources[path] = fmt.Sprintf("%s line %d", file, v.Line)
		case isSection(path):
			if w := flatten(v, path+".", file, values, sources, problems); w != nil {
				waivers = w
			}
		default:
			*problems = append(*problems, fmt.Sprintf("%s: is not a known key (%s line %d); see config.example.yaml%s", path, file, k.Line, suggest(path)))
		}
	}
	return waivers
}

func parseWaivers(n *yaml.Node, file string, known KnownClause, problems *Problems) []Waiver {
	var out []Waiver
	for i, item := range n.Content {
		where := fmt.Sprintf("waivers[%d]", i)
		if item.Kind != yaml.MappingNode {
			*problems = append(*problems, fmt.Sprintf("%s: must be a mapping {clause, reason, expires} (%s line %d)", where, file, item.Line))
			continue
		}
		var w Waiver
		fields := map[string]string{}
		for j := 0; j+1 < len(item.Content); j += 2 {
			k, v := item.Content[j].Value, item.Content[j+1]
			switch k {
			case "clause", "reason", "expires":
				fields[k] = strings.TrimSpace(v.Value)
			default:
				*problems = append(*problems, fmt.Sprintf("%s.%s: is not a known key (%s line %d); a waiver has clause, reason and expires", where, k, file, item.Content[j].Line))
			}
		}
		w.Clause, w.Reason = fields["clause"], fields["reason"]
		switch {
		case w.Clause == "":
			*problems = append(*problems, fmt.Sprintf("%s.clause: is required (%s line %d)", where, file, item.Line))
		case known != nil && !known(w.Clause):
			*problems = append(*problems, fmt.Sprintf("%s.clause: %q is not a clause of the catalogue (%s line %d)", where, w.Clause, file, item.Line))
		}
		if w.Reason == "" {
			*problems = append(*problems, fmt.Sprintf("%s.reason: is required: say why the deviation is accepted (%s line %d)", where, file, item.Line))
		}
		exp, err := time.Parse("2006-01-02", fields["expires"])
		if err != nil {
			*problems = append(*problems, fmt.Sprintf("%s.expires: %q is not a date YYYY-MM-DD (%s line %d)", where, fields["expires"], file, item.Line))
		}
		w.Expires = exp
		out = append(out, w)
	}
	return out
}

// Expired reports whether the waiver no longer holds at now: it holds through its whole
// expiry day, UTC.
func (w Waiver) Expired(now time.Time) bool {
	return !now.UTC().Before(w.Expires.AddDate(0, 0, 1))
}

// WaiverFor returns the waiver of a clause, if any.
func (c *Config) WaiverFor(clause string) (Waiver, bool) {
	for _, w := range c.Waivers {
		if w.Clause == clause {
			return w, true
		}
	}
	return Waiver{}, false
}

var schemePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

var varPattern = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expand replaces ${VAR} with the environment's value, so secrets stay out of files.
func expand(v string, env func(string) (string, bool)) (string, string) {
	missing := ""
	out := varPattern.ReplaceAllStringFunc(v, func(m string) string {
		name := varPattern.FindStringSubmatch(m)[1]
		val, ok := env(name)
		if !ok {
			missing = name
		}
		return val
	})
	return out, missing
}

func isKey(path string) bool {
	for _, k := range Keys {
		if k.Path == path {
			return true
		}
	}
	return false
}

func isSection(path string) bool {
	for _, k := range Keys {
		if strings.HasPrefix(k.Path, path+".") {
			return true
		}
	}
	return false
}

// suggest names the closest known key, for typos.
func suggest(path string) string {
	best, bestD := "", 4
	var all []string
	for _, k := range Keys {
		all = append(all, k.Path)
	}
	all = append(all, "waivers")
	sort.Strings(all)
	for _, k := range all {
		if d := distance(path, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func setMethod(ep func(*Config) *Endpoint) func(*Config, string) string {
	return func(c *Config, v string) string {
		switch strings.ToUpper(v) {
		case "GET", "POST":
			ep(c).Method = strings.ToUpper(v)
			return ""
		case "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
			return "is not allowed: the suite sends only GET and POST, never a call that could change or delete data"
		}
		return "is not an HTTP method (use GET or POST)"
	}
}

func setPath(ep func(*Config) *Endpoint) func(*Config, string) string {
	return func(c *Config, v string) string {
		if !strings.HasPrefix(v, "/") || strings.ContainsAny(v, " ?#") {
			return "is not a URL path (it must start with / and carry no spaces, query or fragment)"
		}
		ep(c).Path = v
		return ""
	}
}

func setDuration(field func(*Config) *time.Duration, zeroOK bool) func(*Config, string) string {
	return func(c *Config, v string) string {
		d, err := parseDuration(v)
		if err != nil {
			return "is not a duration (e.g. 30s, 2h, 90d)"
		}
		if d < 0 || (d == 0 && !zeroOK) {
			if zeroOK {
				return "must not be negative"
			}
			return "must be positive"
		}
		*field(c) = d
		return ""
	}
}

// parseDuration accepts Go durations plus a whole number of days ("90d"), as lifetimes are
// usually spoken of in days.
func parseDuration(v string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, err
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}

func setInt(field func(*Config) *int, lo, hi int) func(*Config, string) string {
	return func(c *Config, v string) string {
		n, err := strconv.Atoi(v)
		if err != nil {
			return "is not a whole number"
		}
		if n < lo || n > hi {
			return fmt.Sprintf("must be between %d and %d", lo, hi)
		}
		*field(c) = n
		return ""
	}
}

func setBool(field func(*Config) *bool) func(*Config, string) string {
	return func(c *Config, v string) string {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "is not true or false"
		}
		*field(c) = b
		return ""
	}
}

func rootErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
