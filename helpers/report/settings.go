package report

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/config"
)

// Settings lists the effective configuration for a report, key by key in config.Keys order:
// a secret key shows "***" when set, so only whether it was given is visible. A key missing from
// the table below is shown as it was given.
func Settings(c *config.Config) []Setting {
	values := map[string]string{
		"target.base_url":                c.BaseURL,
		"target.email":                   c.Email,
		"target.password":                c.Password,
		"target.signing_key":             c.SigningKey,
		"target.fixtures":                c.Fixtures,
		"endpoints.create.method":        c.Create.Method,
		"endpoints.create.path":          c.Create.Path,
		"endpoints.me.method":            c.Me.Method,
		"endpoints.me.path":              c.Me.Path,
		"endpoints.refresh.method":       c.Refresh.Method,
		"endpoints.refresh.path":         c.Refresh.Path,
		"auth.scheme":                    c.Scheme,
		"auth.algorithm":                 c.Algorithm,
		"lifetimes.access":               duration(c.AccessLifetime),
		"lifetimes.refresh":              duration(c.RefreshLifetime),
		"clock.skew":                     duration(c.Skew),
		"http.timeout":                   duration(c.Timeout),
		"http.run_budget":                duration(c.RunBudget),
		"http.retries":                   strconv.Itoa(c.Retries),
		"http.max_retry_after":           duration(c.MaxRetryAfter),
		"safety.wrong_credentials":       strconv.FormatBool(c.WrongCredentials),
		"safety.wrong_password_attempts": strconv.Itoa(c.WrongPasswordAttempts),
		"strict":                         strconv.FormatBool(c.Strict),
		"reports.dir":                    c.ReportsDir,
		"record.dir":                     c.RecordDir,
	}
	var out []Setting
	for _, k := range config.Keys {
		v, known := values[k.Path]
		if !known {
			v = given(k, c.Sources[k.Path])
		}
		if k.Secret && v != "" {
			v = "***"
		}
		out = append(out, Setting{Key: k.Path, Value: v, Source: c.Sources[k.Path]})
	}
	var waivers []string
	for _, w := range c.Waivers {
		waivers = append(waivers, fmt.Sprintf("%s until %s (%s)", w.Clause, w.Expires.Format("2006-01-02"), w.Reason))
	}
	return append(out, Setting{Key: "waivers", Value: strings.Join(waivers, "; ")})
}

// given is a key's value as it was given, for a key this file does not know yet: its default,
// or its environment variable; a value from the file is only pointed at.
func given(k config.Key, source string) string {
	switch source {
	case "", "default":
		return k.Default
	case k.Env:
		return os.Getenv(k.Env)
	}
	return "(see " + source + ")"
}

// duration prints a duration as people write it: 2h, 2160h (90d), 30s.
func duration(d time.Duration) string {
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
