package config

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/zonesmart/jwt-conformance/helpers/redact"
)

// The three things a run can test.
const (
	ModeLive   = "live"   // a server at target.base_url
	ModeReplay = "replay" // recorded fixtures at target.fixtures
	ModePage   = "page"   // the page's own examples
)

// Mode says what the run tests: ModeLive, ModeReplay or ModePage.
func (c *Config) Mode() string {
	switch {
	case c.BaseURL != "":
		return ModeLive
	case c.Fixtures != "":
		return ModeReplay
	}
	return ModePage
}

// Describe is the run's first line after the program name, and what its last line repeats
// beside the verdict: the mode and what is tested, with no secret and no userinfo.
func (c *Config) Describe() string {
	switch c.Mode() {
	case ModeLive:
		return fmt.Sprintf("live: %s as %s", redact.URL(c.BaseURL), c.Email)
	case ModeReplay:
		return "replay: the fixtures in " + c.Fixtures
	}
	return "page: the page's own examples (offline)"
}

// Warnings are the settings a run must name each time it starts, because they weaken what the
// run proves or protects.
func (c *Config) Warnings() []string {
	var w []string
	if c.TLSInsecureSkipVerify {
		w = append(w, fmt.Sprintf("tls.insecure_skip_verify is true (from %s): the server's certificate is not checked, "+
			"so anyone on the network path can read the password and the tokens; use tls.ca_file (ZS_TLS_CA_FILE) instead", c.source("tls.insecure_skip_verify")))
	}
	if c.Mode() == ModeLive && strings.HasPrefix(c.BaseURL, "http://") && (c.TLSCAFile != "" || c.TLSInsecureSkipVerify) {
		w = append(w, "tls settings have no effect: target.base_url is http://, so the password travels unencrypted")
	}
	if c.Offline() && c.OfflineRequested && (c.Email != "" || c.Password != "" || c.SigningKey != "") {
		w = append(w, "target.offline is true: the configured credentials are not used; the run replays offline")
	}
	return w
}

func (c *Config) source(path string) string {
	if s := c.Sources[path]; s != "" {
		return s
	}
	return "default"
}

// TLSConfig is the client TLS configuration tls.ca_file and tls.insecure_skip_verify ask for.
// Load has already proved the CA file readable, so an error here means it changed since.
func (c *Config) TLSConfig() (*tls.Config, error) {
	t := &tls.Config{InsecureSkipVerify: c.TLSInsecureSkipVerify} // #nosec G402 -- the user asked for it; Warnings names it on every run
	if c.TLSCAFile != "" {
		pool, err := loadCAFile(c.TLSCAFile)
		if err != nil {
			return nil, fmt.Errorf("tls.ca_file: %q %v", c.TLSCAFile, err)
		}
		t.RootCAs = pool
	}
	return t, nil
}

// loadCAFile reads a PEM file of certificates; its error completes "tls.ca_file: <path> ...".
func loadCAFile(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot be read (%v)", err)
	}
	pool := x509.NewCertPool()
	n := 0
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("holds a certificate that does not parse (%v)", err)
		}
		pool.AddCert(cert)
		n++
	}
	if n == 0 {
		return nil, errors.New("holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
	}
	return pool, nil
}

// Setting is one key's effective value, masked, and where it came from.
type Setting struct {
	Key    Key
	Value  string // a secret shows *** when set, so only whether it was given is visible
	Source string // "default", "<file> line N", the env var or the flag
}

// Effective lists every key's effective value in Keys order, then the waivers: the report's
// configuration table and --print-config.
func (c *Config) Effective() []Setting {
	secrets := c.Secrets()
	var out []Setting
	for _, k := range Keys {
		v := k.get(c)
		switch {
		case k.Secret && v != "":
			v = "***"
		case k.Path == "target.base_url":
			v = mask(redact.URL(v), secrets)
		default:
			v = mask(v, secrets)
		}
		out = append(out, Setting{Key: k, Value: v, Source: c.source(k.Path)})
	}
	var waivers []string
	for _, w := range c.Waivers {
		waivers = append(waivers, fmt.Sprintf("%s until %s (%s)", w.Clause, w.Expires.Format("2006-01-02"), w.Reason))
	}
	return append(out, Setting{Key: Key{Path: "waivers", Doc: "accepted deviations: {clause, reason, expires}"},
		Value: mask(strings.Join(waivers, "; "), secrets), Source: c.source("waivers")})
}

// PrintConfig is the effective configuration as --print-config shows it: one line per key,
// masked, with where each value came from.
func (c *Config) PrintConfig() string {
	var b strings.Builder
	for _, s := range c.Effective() {
		v := s.Value
		if v == "" {
			v = "(empty)"
		}
		fmt.Fprintf(&b, "%-31s %-40s %s\n", s.Key.Path, v, s.Source)
	}
	return b.String()
}

// Usage lists every key as --help shows it: flag, variable, default and meaning, then the
// variables the doors read.
func Usage() string {
	var b strings.Builder
	for _, k := range Keys {
		def := ""
		if k.Default != "" {
			def = " (default " + k.Default + ")"
		}
		fmt.Fprintf(&b, "  --%s %s\n        %s, %s: %s%s\n", k.Flag(), k.Type, k.Env, k.Path, k.Doc, def)
	}
	for _, v := range DoorVariables {
		fmt.Fprintf(&b, "  %s\n        %s\n", v.Name, v.Doc)
	}
	return b.String()
}
