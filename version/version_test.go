package version

import (
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func withBuildInfo(t *testing.T, info *debug.BuildInfo) {
	t.Helper()
	saved := readBuildInfo
	readBuildInfo = func() (*debug.BuildInfo, bool) { return info, info != nil }
	t.Cleanup(func() { readBuildInfo = saved })
}

func TestVersionIsSemver(t *testing.T) {
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(Version) {
		t.Fatalf("Version %q is not MAJOR.MINOR.PATCH without a leading v", Version)
	}
}

func TestCurrent(t *testing.T) {
	cases := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", nil, Version},
		{"built from a checkout", &debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: "(devel)"}}, Version},
		{"installed with go install …@v0.3.1", &debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: "v0.3.1"}}, "0.3.1"},
		{"a dependency of a mock author's module", &debug.BuildInfo{
			Main: debug.Module{Path: "example.com/mock", Version: "(devel)"},
			Deps: []*debug.Module{{Path: "example.com/other", Version: "v9.9.9"}, {Path: ModulePath, Version: "v0.2.1-0.20261127120000-abcdefabcdef"}},
		}, "0.2.1-0.20261127120000-abcdefabcdef"},
		{"replaced by a local directory", &debug.BuildInfo{
			Main: debug.Module{Path: "example.com/mock"},
			Deps: []*debug.Module{{Path: ModulePath, Version: "v0.0.0", Replace: &debug.Module{Path: "../jwt-conformance"}}},
		}, Version},
		{"not linked at all", &debug.BuildInfo{Main: debug.Module{Path: "example.com/mock", Version: "v1.0.0"}}, Version},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			withBuildInfo(t, c.info)
			if got := Current(); got != c.want {
				t.Errorf("Current() = %q, want %q", got, c.want)
			}
		})
	}
}

func TestString(t *testing.T) {
	withBuildInfo(t, nil)
	if got, want := String(), "jwt-conformance "+Version+" (Ginkgo "+Ginkgo()+", "+runtime.Version()+")"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	withBuildInfo(t, &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}}})
	if got := String(); !strings.Contains(got, "(commit 0123456789ab, Ginkgo ") {
		t.Errorf("String() = %q, without the VCS revision", got)
	}
	Commit = "fedcba9876543210"
	t.Cleanup(func() { Commit = "" })
	if got := Revision(); got != "fedcba987654" {
		t.Errorf("Revision() = %q: the release's -X Commit must win over the VCS stamp", got)
	}
}

// The release workflow runs this with RELEASE_TAG set to the pushed tag, so that a tag and the
// version constant cannot disagree, and a release always has its changelog section.
func TestReleaseTag(t *testing.T) {
	tag, ok := os.LookupEnv("RELEASE_TAG")
	if !ok {
		t.Skip("RELEASE_TAG is not set: only the release workflow checks a tag")
	}
	if err := CheckReleaseTag(tag, "../CHANGELOG.md"); err != nil {
		t.Fatal(err)
	}
}

func TestCheckReleaseTag(t *testing.T) {
	dir := t.TempDir()
	good := dir + "/good.md"
	os.WriteFile(good, []byte("# Changelog\n\n## [Unreleased]\n\n## ["+Version+"] - 2026-12-01\n\n### Added\n"), 0o644)
	unreleased := dir + "/unreleased.md"
	os.WriteFile(unreleased, []byte("# Changelog\n\n## [Unreleased]\n\n### Added\n"), 0o644)
	if err := CheckReleaseTag("v"+Version, good); err != nil {
		t.Errorf("the tag v%s with its changelog section was refused: %v", Version, err)
	}
	for _, c := range []struct{ tag, changelog, want string }{
		{Version, good, `tag "` + Version + `" is not "v` + Version + `"`},
		{"v9.9.9", good, `tag "v9.9.9" is not "v` + Version + `"`},
		{"v" + Version, unreleased, "has no section"},
		{"v" + Version, dir + "/missing.md", "cannot read"},
	} {
		err := CheckReleaseTag(c.tag, c.changelog)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("CheckReleaseTag(%q, %s) = %v, want one line containing %q", c.tag, c.changelog, err, c.want)
		}
	}
}
