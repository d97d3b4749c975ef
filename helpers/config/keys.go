package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Key describes one configuration key: its YAML path, environment variable, default, whether
// it is a secret and what it means. The flag name (Flag) is derived from the variable, so the
// table stays the one place where a key is named.
type Key struct {
	Path    string
	Env     string
	Default string
	Secret  bool
	Type    string                           // what the value is, for --help: url, text, path, method, duration, bytes, number, bool
	Doc     string                           // one line
	set     func(c *Config, v string) string // returns the broken rule, or ""
	get     func(c *Config) string           // the effective value as people write it
}

// Flag is the command-line flag of the key, without dashes: ZS_BASE_URL is base-url.
func (k Key) Flag() string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(k.Env, "ZS_")), "_", "-")
}

// Keys is the one table every part of configuration works from: defaults, the file, the
// environment, flags, ${VAR} expansion, validation, the report's configuration table,
// --help, --print-config, the README table and the documentation test of config.example.yaml.
var Keys = []Key{
	{Path: "target.base_url", Env: "ZS_BASE_URL", Type: "url", Doc: "server to test; empty replays offline (set ZS_FIXTURES, or the page's own examples)", set: setBaseURL, get: func(c *Config) string { return c.BaseURL }},
	textKey("target.email", "ZS_EMAIL", "", false, "log-in email (live runs)", func(c *Config) *string { return &c.Email }),
	textKey("target.password", "ZS_PASSWORD", "", true, "log-in password (live runs); in a file use ${VAR}, never a literal", func(c *Config) *string { return &c.Password }),
	textKey("target.signing_key", "ZS_SIGNING_KEY", "", true, "HMAC key: verify signatures and mint tokens for the keyed checks", func(c *Config) *string { return &c.SigningKey }),
	pathKey("target.fixtures", "ZS_FIXTURES", "directory of recorded fixtures to replay; empty: the page's own examples", func(c *Config) *string { return &c.Fixtures }),
	boolKey("target.offline", "ZS_OFFLINE", "false", "true: replay offline even though credentials are set", func(c *Config) *bool { return &c.OfflineRequested }),
	methodKey("endpoints.create.method", "ZS_CREATE_METHOD", "POST", "method of the log-in request", func(c *Config) *Endpoint { return &c.Create }),
	urlPathKey("endpoints.create.path", "ZS_CREATE_PATH", "/v1/zonesmart/auth/jwt/create/", "path of the log-in request", func(c *Config) *Endpoint { return &c.Create }),
	methodKey("endpoints.me.method", "ZS_ME_METHOD", "GET", "method of the current-user request", func(c *Config) *Endpoint { return &c.Me }),
	urlPathKey("endpoints.me.path", "ZS_ME_PATH", "/users/me/", "path of the current-user request", func(c *Config) *Endpoint { return &c.Me }),
	methodKey("endpoints.refresh.method", "ZS_REFRESH_METHOD", "GET", "method of the refresh request: the page shows GET with a body; djoser/simplejwt answer POST", func(c *Config) *Endpoint { return &c.Refresh }),
	urlPathKey("endpoints.refresh.path", "ZS_REFRESH_PATH", "/auth/jwt/refresh/", "path of the refresh request", func(c *Config) *Endpoint { return &c.Refresh }),
	{Path: "auth.scheme", Env: "ZS_AUTH_SCHEME", Default: "JWT", Type: "text", Doc: "scheme of the Authorization header that carries the access token", set: func(c *Config, v string) string {
		if !schemePattern.MatchString(v) {
			return "is not a header scheme (one word, e.g. JWT)"
		}
		c.Scheme = v
		return ""
	}, get: func(c *Config) string { return c.Scheme }},
	{Path: "auth.algorithm", Env: "ZS_ALGORITHM", Default: "HS256", Type: "text", Doc: "the only algorithm accepted when verifying signatures (HS256, HS384, HS512)", set: func(c *Config, v string) string {
		switch v {
		case "HS256", "HS384", "HS512":
			c.Algorithm = v
			return ""
		}
		return "is not a supported algorithm (HS256, HS384 or HS512)"
	}, get: func(c *Config) string { return c.Algorithm }},
	durationKey("lifetimes.access", "ZS_ACCESS_LIFETIME", "2h", "documented access-token lifetime", false, func(c *Config) *time.Duration { return &c.AccessLifetime }),
	durationKey("lifetimes.refresh", "ZS_REFRESH_LIFETIME", "2160h", "documented refresh-token lifetime: 90 days (\"90d\" works too)", false, func(c *Config) *time.Duration { return &c.RefreshLifetime }),
	durationKey("clock.skew", "ZS_CLOCK_SKEW", "30s", "tolerance between our clock and the server's", true, func(c *Config) *time.Duration { return &c.Skew }),
	durationKey("clock.max_server_offset", "ZS_MAX_SERVER_OFFSET", "5m", "most the server's Date header may widen the issue window; beyond it our clock judges and the skew is named", true, func(c *Config) *time.Duration { return &c.MaxServerOffset }),
	durationKey("http.timeout", "ZS_HTTP_TIMEOUT", "10s", "per request", false, func(c *Config) *time.Duration { return &c.Timeout }),
	durationKey("http.run_budget", "ZS_RUN_BUDGET", "5m", "the whole run; requests past it fail at once", false, func(c *Config) *time.Duration { return &c.RunBudget }),
	numberKey("http.retries", "ZS_HTTP_RETRIES", "2", "retries on connection errors and 502/503/504, never for a request carrying a password", 0, 5, func(c *Config) *int { return &c.Retries }),
	durationKey("http.max_retry_after", "ZS_MAX_RETRY_AFTER", "10s", "longest Retry-After honoured on 429", true, func(c *Config) *time.Duration { return &c.MaxRetryAfter }),
	{Path: "http.max_header_bytes", Env: "ZS_MAX_HEADER_BYTES", Default: "64KiB", Type: "bytes", Doc: "cap on the response headers of one answer (bytes, or KiB/MiB)", set: setBytes, get: func(c *Config) string { return formatBytes(c.MaxHeaderBytes) }},
	pathKey("tls.ca_file", "ZS_TLS_CA_FILE", "PEM file of the CA certificates to trust instead of the system's", func(c *Config) *string { return &c.TLSCAFile }),
	boolKey("tls.insecure_skip_verify", "ZS_TLS_INSECURE_SKIP_VERIFY", "false", "true: do not check the server's certificate (a warning on every run)", func(c *Config) *bool { return &c.TLSInsecureSkipVerify }),
	boolKey("safety.wrong_credentials", "ZS_WRONG_CREDENTIALS", "true", "false: never send a wrong password (the lockout-risk specs skip)", func(c *Config) *bool { return &c.WrongCredentials }),
	numberKey("safety.wrong_password_attempts", "ZS_WRONG_PASSWORD_ATTEMPTS", "2", "most wrong-password log-ins one run may send", 0, 5, func(c *Config) *int { return &c.WrongPasswordAttempts }),
	numberKey("safety.malformed_bodies", "ZS_MALFORMED_BODIES", "1", "malformed bodies sent to create and to refresh, each: the family's first; 50 sends them all", 0, 50, func(c *Config) *int { return &c.MalformedBodies }),
	boolKey("safety.exhaustive", "ZS_EXHAUSTIVE", "false", "true: also send the exhaustive specs' extra requests (more mistakes per field, a 16 KiB header)", func(c *Config) *bool { return &c.Exhaustive }),
	boolKey("strict", "ZS_STRICT", "false", "true: SHOULD findings fail the run too", func(c *Config) *bool { return &c.Strict }),
	{Path: "reports.dir", Env: "ZS_REPORTS_DIR", Default: "reports", Type: "path", Doc: "where the reports are written (relative: to the module root inside this source tree, else the working directory)", set: func(c *Config, v string) string {
		if strings.TrimSpace(v) == "" {
			return "must name a directory"
		}
		c.ReportsDir = ResolvePathFrom(v, c.workDir)
		return ""
	}, get: func(c *Config) string { return c.ReportsDir }},
	pathKey("record.dir", "ZS_RECORD_DIR", "live runs: write every exchange here as a redacted fixture to replay later (make record)", func(c *Config) *string { return &c.RecordDir }),
}

// Variable is an environment variable the suite reads that is not a key of its own.
type Variable struct {
	Name string
	Doc  string
}

// DoorVariables are the ZS_* variables read by the entry points rather than by Load. An
// unknown ZS_* variable is a configuration problem, so a door that reads a new one lists it here.
var DoorVariables = []Variable{
	{"ZS_CONFIG", "YAML configuration file (also --config)"},
}

// silentPrefixes are ZS_* families owned by other programs of this repository (the reference
// mock reads ZS_MOCK_*); the suite neither reads them nor calls them unknown.
var silentPrefixes = []string{"ZS_MOCK_"}

// KnownVariable reports whether name is a ZS_* variable the suite or this repository knows.
func KnownVariable(name string) bool {
	for _, k := range Keys {
		if k.Env == name {
			return true
		}
	}
	for _, v := range DoorVariables {
		if v.Name == name {
			return true
		}
	}
	for _, p := range silentPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// KeyByPath returns the key of a YAML path.
func KeyByPath(p string) (Key, bool) {
	for _, k := range Keys {
		if k.Path == p {
			return k, true
		}
	}
	return Key{}, false
}

// MarkdownTable is the README's configuration table, generated from Keys so that it cannot drift.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| key | env | flag | default | meaning |\n|---|---|---|---|---|\n")
	for _, k := range Keys {
		def := "empty"
		if k.Default != "" {
			def = "`" + k.Default + "`"
		}
		doc := k.Doc
		if k.Secret {
			doc += " (secret: never shown)"
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | `--%s` | %s | %s |\n", k.Path, k.Env, k.Flag(), def, strings.ReplaceAll(doc, "|", `\|`))
	}
	b.WriteString("| `waivers` | | | `[]` | accepted deviations, in the file only: `{clause, reason, expires}` |\n")
	return b.String()
}

func textKey(p, env, def string, secret bool, doc string, field func(*Config) *string) Key {
	return Key{Path: p, Env: env, Default: def, Secret: secret, Type: "text", Doc: doc,
		set: func(c *Config, v string) string { *field(c) = v; return "" },
		get: func(c *Config) string { return *field(c) }}
}

// pathKey is a key naming a file or directory; relative paths resolve as ResolvePath says.
func pathKey(p, env, doc string, field func(*Config) *string) Key {
	return Key{Path: p, Env: env, Type: "path", Doc: doc,
		set: func(c *Config, v string) string { *field(c) = ResolvePathFrom(v, c.workDir); return "" },
		get: func(c *Config) string { return *field(c) }}
}

func methodKey(p, env, def, doc string, ep func(*Config) *Endpoint) Key {
	return Key{Path: p, Env: env, Default: def, Type: "method", Doc: doc, get: func(c *Config) string { return ep(c).Method },
		set: func(c *Config, v string) string {
			switch strings.ToUpper(v) {
			case "GET", "POST":
				ep(c).Method = strings.ToUpper(v)
				return ""
			case "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
				return "is not allowed: the suite sends only GET and POST, never a call that could change or delete data"
			}
			return "is not an HTTP method (use GET or POST)"
		}}
}

func urlPathKey(p, env, def, doc string, ep func(*Config) *Endpoint) Key {
	return Key{Path: p, Env: env, Default: def, Type: "path", Doc: doc, get: func(c *Config) string { return ep(c).Path },
		set: func(c *Config, v string) string {
			if !strings.HasPrefix(v, "/") || strings.ContainsAny(v, " ?#") {
				return "is not a URL path (it must start with / and carry no spaces, query or fragment)"
			}
			ep(c).Path = v
			return ""
		}}
}

func durationKey(p, env, def, doc string, zeroOK bool, field func(*Config) *time.Duration) Key {
	return Key{Path: p, Env: env, Default: def, Type: "duration", Doc: doc, get: func(c *Config) string { return FormatDuration(*field(c)) },
		set: func(c *Config, v string) string {
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
		}}
}

func numberKey(p, env, def, doc string, lo, hi int, field func(*Config) *int) Key {
	return Key{Path: p, Env: env, Default: def, Type: "number", Doc: doc, get: func(c *Config) string { return strconv.Itoa(*field(c)) },
		set: func(c *Config, v string) string {
			n, err := strconv.Atoi(v)
			if err != nil {
				return "is not a whole number"
			}
			if n < lo || n > hi {
				return fmt.Sprintf("must be between %d and %d", lo, hi)
			}
			*field(c) = n
			return ""
		}}
}

func boolKey(p, env, def, doc string, field func(*Config) *bool) Key {
	return Key{Path: p, Env: env, Default: def, Type: "bool", Doc: doc, get: func(c *Config) string { return strconv.FormatBool(*field(c)) },
		set: func(c *Config, v string) string {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return "is not true or false"
			}
			*field(c) = b
			return ""
		}}
}

func setBaseURL(c *Config, v string) string {
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return "is not an absolute http(s) URL with a host (e.g. https://staging.example.com)"
	}
	if u.User != nil {
		return "carries credentials before the host: put the account in ZS_EMAIL and ZS_PASSWORD (target.email, target.password) " +
			"and remove them from the URL; the suite logs in with them and never sends Basic auth"
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(v, "?") || strings.HasSuffix(v, "#") {
		return "must not carry a query or fragment"
	}
	c.BaseURL = strings.TrimRight(v, "/")
	return ""
}

// setBytes reads a size: a whole number of bytes, or of KiB or MiB.
func setBytes(c *Config, v string) string {
	const lo, hi = 1 << 10, 64 << 20
	n, ok := parseBytes(v)
	if !ok {
		return "is not a size (e.g. 65536, 64KiB, 1MiB)"
	}
	if n < lo || n > hi {
		return "must be between 1KiB and 64MiB"
	}
	c.MaxHeaderBytes = n
	return ""
}

func parseBytes(v string) (int64, bool) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"B", 1}} {
		if s, ok := strings.CutSuffix(v, u.suffix); ok {
			v, mult = strings.TrimSpace(s), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > (1<<40)/mult {
		return 0, false
	}
	return n * mult, true
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return strconv.FormatInt(n, 10)
}

// FormatDuration prints a duration as people write it: 2h, 30s, 5m, and 2160h (90d).
func FormatDuration(d time.Duration) string {
	s := d.String()
	for _, unit := range []string{"h", "m"} {
		s = strings.Replace(s, unit+"0m0s", unit, 1)
	}
	s = strings.Replace(s, "m0s", "m", 1)
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		s += fmt.Sprintf(" (%dd)", d/(24*time.Hour))
	}
	return s
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
