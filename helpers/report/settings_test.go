package report

import (
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/config"
)

func TestSettingsShowEveryKeyAndMaskSecrets(t *testing.T) {
	cfg, err := config.Load("", func(k string) (string, bool) {
		v, ok := map[string]string{"ZS_BASE_URL": "https://t.example", "ZS_EMAIL": "e", "ZS_PASSWORD": password}[k]
		return v, ok
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Setting{}
	for _, s := range Settings(cfg) {
		got[s.Key] = s
	}
	for _, k := range config.Keys {
		if _, ok := got[k.Path]; !ok {
			t.Errorf("%s is not shown in reports", k.Path)
		}
	}
	if _, ok := got["waivers"]; !ok {
		t.Error("waivers are not shown in reports")
	}
	// safety.malformed_bodies once drifted out of a hand-written copy of the table.
	if got["safety.malformed_bodies"].Value != "1" || got["safety.malformed_bodies"].Source != "default" {
		t.Errorf("safety.malformed_bodies: %+v", got["safety.malformed_bodies"])
	}
	if got["target.password"].Value != "***" || got["target.signing_key"].Value != "" || got["target.password"].Source != "ZS_PASSWORD" {
		t.Errorf("secrets: %+v %+v", got["target.password"], got["target.signing_key"])
	}
	if got["http.timeout"].Value != "10s" || got["lifetimes.access"].Value != "2h" || got["lifetimes.refresh"].Value != "2160h (90d)" {
		t.Errorf("durations: %q %q %q", got["http.timeout"].Value, got["lifetimes.access"].Value, got["lifetimes.refresh"].Value)
	}
	for _, s := range got {
		if s.Value == password {
			t.Errorf("%s shows the password", s.Key)
		}
	}
}
