package version

import (
	"fmt"
	"os"
	"regexp"
)

// CheckReleaseTag says whether tag may be released from this source: it must be "v" +
// Version, and the changelog at changelogPath must have a "## [X.Y.Z]" section for it.
func CheckReleaseTag(tag, changelogPath string) error {
	if tag != "v"+Version {
		return fmt.Errorf("tag %q is not \"v%s\": set version.Version to the release (and add its CHANGELOG.md section) before tagging, or tag v%s", tag, Version, Version)
	}
	changelog, err := os.ReadFile(changelogPath)
	if err != nil {
		return fmt.Errorf("cannot read the changelog: %v", err)
	}
	section := regexp.MustCompile(`(?m)^## \[` + regexp.QuoteMeta(Version) + `\]`)
	if !section.Match(changelog) {
		return fmt.Errorf("%s has no section \"## [%s]\": move the Unreleased entries under it before tagging", changelogPath, Version)
	}
	return nil
}
