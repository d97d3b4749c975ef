// Package version is the one place that says which release of the conformance suite is
// running. Reports, verdicts.json and the CLI's --version all ask it, so that a report can
// always be traced back to the catalogue and checks that judged it.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// Version is this release, without the leading "v" of its tag. The release workflow refuses
// a tag that is not "v" + Version, and a CHANGELOG.md without a section for it.
const Version = "0.2.0"

// ModulePath is the suite's module; the build info is searched for it.
const ModulePath = "github.com/zonesmart/jwt-conformance"

// Commit is the source revision of a release build, set by the release workflow with
// -ldflags "-X github.com/zonesmart/jwt-conformance/version.Commit=<sha>"; otherwise the
// build info's VCS stamp answers, if there is one.
var Commit = ""

// readBuildInfo is debug.ReadBuildInfo, replaced in tests.
var readBuildInfo = debug.ReadBuildInfo

// Current is the version of the suite compiled into this binary, without a leading "v". When
// the suite was installed as a module (go install …@v0.2.0, or required by a mock author's
// module) the module's version says exactly what was built, pseudo-versions included. A build
// from a checkout, a replace directive or a test binary carries no module version, so the
// constant answers.
func Current() string {
	if v := moduleVersion(); v != "" {
		return v
	}
	return Version
}

func moduleVersion() string {
	info, ok := readBuildInfo()
	if !ok {
		return ""
	}
	mods := append([]*debug.Module{&info.Main}, info.Deps...)
	for _, m := range mods {
		if m == nil || m.Path != ModulePath {
			continue
		}
		// A replaced module was built from wherever the replacement points: its own
		// version, if any, is not ours.
		if m.Replace != nil || m.Version == "" || m.Version == "(devel)" {
			return ""
		}
		return strings.TrimPrefix(m.Version, "v")
	}
	return ""
}

// Revision is the source revision the binary was built from, shortened to 12 characters, or
// "" when nothing says.
func Revision() string {
	rev := Commit
	if rev == "" {
		if info, ok := readBuildInfo(); ok {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" {
					rev = s.Value
				}
			}
		}
	}
	return rev[:min(len(rev), 12)]
}

// Ginkgo is the version of the Ginkgo framework the suite runs on.
func Ginkgo() string { return types.VERSION }

// String names the suite's version and what it runs on, for --version and report footers:
// "jwt-conformance 0.2.0 (commit 0123456789ab, Ginkgo 2.34.0, go1.26.8)", without the commit
// when it is not known.
func String() string {
	commit := ""
	if rev := Revision(); rev != "" {
		commit = "commit " + rev + ", "
	}
	return fmt.Sprintf("jwt-conformance %s (%sGinkgo %s, %s)", Current(), commit, Ginkgo(), runtime.Version())
}
