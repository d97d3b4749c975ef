package report

import (
	"github.com/zonesmart/jwt-conformance/helpers/config"
)

// Settings lists the effective configuration for a report, in the config package's key order:
// a secret key shows "***" when set, so only whether it was given is visible. Every key is
// listed by the config package's one table, so no key can be missing here.
func Settings(c *config.Config) []Setting {
	var out []Setting
	for _, s := range c.Effective() {
		out = append(out, Setting{Key: s.Key.Path, Value: s.Value, Source: s.Source})
	}
	return out
}
