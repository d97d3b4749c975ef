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
	Fixtures   string // a directory of recorded fixtures (absolute); empty: the page's own examples
	// OfflineRequested is target.offline: replay offline although credentials are set.
	OfflineRequested bool

	Create, Me, Refresh Endpoint
	Scheme              string
	Algorithm           string

	AccessLifetime  time.Duration
	RefreshLifetime time.Duration
	Skew            time.Duration
	// MaxServerOffset is the most the server's Date header may widen the issue window.
	MaxServerOffset time.Duration

	Timeout        time.Duration
	RunBudget      time.Duration
	Retries        int
	MaxRetryAfter  time.Duration
	MaxHeaderBytes int64 // cap on one answer's response headers

	TLSCAFile             string // PEM file of CAs to trust instead of the system's (absolute)
	TLSInsecureSkipVerify bool

	WrongCredentials      bool
	WrongPasswordAttempts int
	MalformedBodies       int
	// Exhaustive sends the extra requests of the exhaustive label beyond the default run's.
	Exhaustive bool

	Strict     bool
	Waivers    []Waiver
	ReportsDir string // absolute; see ResolvePath
	// RecordDir, when set, receives every exchange of a live run as a redacted fixture.
	RecordDir string

	// Sources says where each key's value came from: "default", "<file> line N", the env var
	// or the flag ("--base-url"), for messages and --print-config.
	Sources map[string]string

	workDir string // where relative paths resolve from while loading; "" the working directory
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

// KnownClause is set by the caller so waivers can be checked against the catalogue without
// this package importing it.
type KnownClause func(id string) bool

// Options are the inputs of LoadOptions, lowest precedence first: defaults, File, the
// environment, Flags.
type Options struct {
	// File is the YAML file; empty reads the one ZS_CONFIG names, if any.
	File string
	// Environ is the environment as os.Environ returns it. Given, an unknown ZS_* variable in
	// it is a problem; nil uses Lookup and checks no names.
	Environ []string
	Lookup  func(string) (string, bool)
	// Flags maps a key's flag name without dashes (Key.Flag, "base-url") to its value.
	Flags map[string]string
	Known KnownClause
	// WorkDir is where relative paths resolve from (see ResolvePathFrom); empty: the working
	// directory.
	WorkDir string
}

// Load builds the configuration from defaults, the YAML file at path (if any) and env. It
// cannot see which variables are set, so it names no unknown ZS_* variable: doors call
// LoadOptions with Environ.
func Load(path string, env func(string) (string, bool), known KnownClause) (*Config, error) {
	return LoadOptions(Options{File: path, Lookup: env, Known: known})
}

// LoadOptions builds and validates the configuration. Every problem is reported at once, one
// line each naming the key, the value (never a secret) and the rule.
func LoadOptions(o Options) (*Config, error) {
	env := o.Lookup
	if o.Environ != nil {
		env = lookupIn(o.Environ)
	}
	if env == nil {
		env = func(string) (string, bool) { return "", false }
	}
	values := map[string]string{}
	sources := map[string]string{}
	for _, k := range Keys {
		values[k.Path] = k.Default
		sources[k.Path] = "default"
	}
	sources["waivers"] = "default"
	var problems Problems
	var waiverNodes *yaml.Node
	path := o.File
	if path == "" {
		path, _ = env("ZS_CONFIG")
	}
	if path != "" {
		// Read from where ResolvePath says, and name the file as it was given.
		data, err := os.ReadFile(ResolvePathFrom(path, o.WorkDir))
		if err != nil {
			return nil, Problems{fmt.Sprintf("config file %s: cannot be read (%v); check ZS_CONFIG or --config", path, rootErr(err))}
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, Problems{maskAll(fmt.Sprintf("config file %s: is not valid YAML (%v)", path, strings.TrimPrefix(err.Error(), "yaml: ")), envSecrets(env))}
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
	problems = append(problems, applyFlags(o.Flags, values, sources)...)
	if o.Environ != nil {
		problems = append(problems, unknownVariables(o.Environ, values)...)
	}
	secrets := configuredSecrets(values, env)
	cfg := &Config{Sources: sources, workDir: o.WorkDir}
	for _, k := range Keys {
		raw := values[k.Path]
		expanded, missing := expand(raw, env)
		if missing != "" {
			problems = append(problems, fmt.Sprintf("%s: ${%s} is not set in the environment (%s)", k.Path, missing, sources[k.Path]))
			continue
		}
		if !k.Secret {
			// A secret is never trimmed: a password may begin or end with a space.
			expanded = strings.TrimSpace(expanded)
		}
		if rule := k.set(cfg, expanded); rule != "" {
			from := fmt.Sprintf("from %s; env %s", sources[k.Path], k.Env)
			if sources[k.Path] == k.Env {
				from = "from " + k.Env
			}
			problems = append(problems, fmt.Sprintf("%s: %s %s (%s)", k.Path, shown(k, raw, expanded, secrets), rule, from))
		}
	}
	if waiverNodes != nil {
		cfg.Waivers = parseWaivers(waiverNodes, path, o.Known, &problems)
	}
	problems = append(problems, crossCheck(cfg, strings.TrimSpace(values["target.base_url"]) != "", values)...)
	if len(problems) > 0 {
		for i := range problems {
			problems[i] = maskAll(problems[i], secrets)
		}
		return nil, problems
	}
	cfg.workDir = ""
	return cfg, nil
}

// shown is a rejected value as a problem may print it: a secret key's value never; a value
// made by ${VAR} expansion as it was written, since the variable may hold a secret; a URL
// without its userinfo; and any configured secret inside masked.
func shown(k Key, raw, expanded string, secrets []string) string {
	switch {
	case k.Secret:
		return "(secret)"
	case varPattern.MatchString(raw):
		return strconv.Quote(mask(raw, secrets))
	case k.Path == "target.base_url":
		return strconv.Quote(mask(withoutUserinfo(expanded), secrets))
	}
	return strconv.Quote(mask(expanded, secrets))
}

// withoutUserinfo replaces the userinfo of a URL, if any, with ***.
func withoutUserinfo(v string) string {
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok {
		return v
	}
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		authority = "***" + authority[at:]
	}
	return scheme + "://" + authority + tail
}

// configuredSecrets are the values no problem may print: the secret keys' values, as
// expanded, and a password written into the base URL.
func configuredSecrets(values map[string]string, env func(string) (string, bool)) []string {
	var s []string
	for _, k := range Keys {
		if k.Secret {
			if v, _ := expand(values[k.Path], env); v != "" {
				s = append(s, v)
			}
		}
	}
	base, _ := expand(values["target.base_url"], env)
	if u, err := url.Parse(strings.TrimSpace(base)); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			s = append(s, pw)
		}
	}
	return s
}

// envSecrets are the secrets the environment gives, for problems found before the file is read.
func envSecrets(env func(string) (string, bool)) []string {
	var s []string
	for _, k := range Keys {
		if v, ok := env(k.Env); ok && k.Secret && v != "" {
			s = append(s, v)
		}
	}
	return s
}

// mask replaces every secret in s, longest first so that no part of a longer one survives. A
// secret's trimmed form counts too, as values of other keys are trimmed before they are shown.
func mask(s string, secrets []string) string {
	var sorted []string
	for _, sec := range secrets {
		sorted = append(sorted, sec, strings.TrimSpace(sec))
	}
	sort.Slice(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
	for _, sec := range sorted {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	return s
}

// maskAll masks secrets in a finished line, raw and in the quoted form %q gives them.
func maskAll(line string, secrets []string) string {
	line = mask(line, secrets)
	var quoted []string
	for _, s := range secrets {
		if q := strconv.Quote(s); len(q) > 2 {
			quoted = append(quoted, q[1:len(q)-1])
		}
	}
	return mask(line, quoted)
}

func lookupIn(environ []string) func(string) (string, bool) {
	m := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func applyFlags(flags map[string]string, values, sources map[string]string) []string {
	var p []string
	names := make([]string, 0, len(flags))
	for n := range flags {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, given := range names {
		name := strings.TrimLeft(given, "-")
		k, ok := keyByFlag(name)
		if !ok {
			var all []string
			for _, k := range Keys {
				all = append(all, k.Flag())
			}
			hint := ""
			if best := closest(name, all); best != "" {
				hint = fmt.Sprintf("; did you mean --%s?", best)
			}
			p = append(p, fmt.Sprintf("--%s: unknown flag%s", name, hint))
			continue
		}
		values[k.Path] = flags[given]
		sources[k.Path] = "--" + name
	}
	return p
}

func keyByFlag(name string) (Key, bool) {
	for _, k := range Keys {
		if k.Flag() == name {
			return k, true
		}
	}
	return Key{}, false
}

// unknownVariables names every ZS_* variable the suite does not know, with the closest known
// one, as a mistyped name otherwise silently changes nothing. The value is never shown: it
// may be a mistyped secret. A variable that a value refers to as ${ZS_...} is known.
func unknownVariables(environ []string, values map[string]string) []string {
	referenced := map[string]bool{}
	for _, v := range values {
		for _, m := range varPattern.FindAllStringSubmatch(v, -1) {
			referenced[m[1]] = true
		}
	}
	var known []string
	for _, k := range Keys {
		known = append(known, k.Env)
	}
	for _, v := range DoorVariables {
		known = append(known, v.Name)
	}
	var p []string
	seen := map[string]bool{}
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "ZS_") || seen[name] || KnownVariable(name) || referenced[name] {
			continue
		}
		seen[name] = true
		if best := closest(name, known); best != "" {
			p = append(p, fmt.Sprintf("%s: unknown variable; did you mean %s?", name, best))
		} else {
			p = append(p, fmt.Sprintf("%s: unknown variable; the known ones are in config.example.yaml and --help (unset it or correct its name)", name))
		}
	}
	sort.Strings(p)
	return p
}

// closest is the candidate nearest to name, or "" when none is near enough to be a typo.
func closest(name string, candidates []string) string {
	best, bestD := "", max(3, len(name)/4)+1
	for _, c := range candidates {
		if d := distance(name, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" {
		return best
	}
	// A name that is the tail of a longer known one: _TIMEOUT for _HTTP_TIMEOUT.
	stem := name[strings.Index(name, "_")+1:]
	for _, c := range candidates {
		if len(stem) >= 4 && strings.HasSuffix(c, "_"+stem) && (best == "" || len(c) < len(best)) {
			best = c
		}
	}
	return best
}

func crossCheck(c *Config, targetSet bool, values map[string]string) []string {
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
		if c.OfflineRequested {
			p = append(p, fmt.Sprintf("target.offline: true (from %s) asks for an offline replay, but target.base_url is set; unset one of them", c.Sources["target.offline"]))
		}
	} else {
		if c.RecordDir != "" {
			p = append(p, "record.dir: records a live target, so it needs target.base_url (ZS_BASE_URL); a replay has nothing new to record")
		}
		// Credentials without a target mean a forgotten ZS_BASE_URL far more often than an
		// offline run: the run would replay and pass without ever reaching the server.
		if !c.OfflineRequested && c.Fixtures == "" {
			for _, path := range []string{"target.email", "target.password", "target.signing_key"} {
				if values[path] == "" {
					continue
				}
				k, _ := KeyByPath(path)
				p = append(p, fmt.Sprintf("%s: set (from %s) but target.base_url (ZS_BASE_URL) is not, so the run would replay the page's own examples offline "+
					"and never use it; set ZS_BASE_URL to test a server, or ZS_OFFLINE=true (target.offline) to replay offline anyway, or unset %s",
					path, c.Sources[path], k.Env))
			}
		}
	}
	if c.RefreshLifetime > 0 && c.AccessLifetime > 0 && c.RefreshLifetime <= c.AccessLifetime {
		p = append(p, fmt.Sprintf("lifetimes.refresh: %s must be longer than lifetimes.access (%s)", c.RefreshLifetime, c.AccessLifetime))
	}
	if c.TLSCAFile != "" {
		if _, err := loadCAFile(c.TLSCAFile); err != nil {
			p = append(p, fmt.Sprintf("tls.ca_file: %q %v (from %s; env ZS_TLS_CA_FILE)", c.TLSCAFile, err, c.Sources["tls.ca_file"]))
		}
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
			sources["waivers"] = fmt.Sprintf("%s line %d", file, v.Line)
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

func rootErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
