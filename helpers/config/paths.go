package config

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// ModulePath is this module's path, as its go.mod names it.
const ModulePath = "github.com/zonesmart/jwt-conformance"

// ResolvePath makes a configured path absolute the same way at every door: see ResolvePathFrom,
// from the working directory.
func ResolvePath(p string) string {
	return ResolvePathFrom(p, "")
}

// ResolvePathFrom makes p absolute. A relative path resolves against the root of this module
// when wd lies inside its source tree, because `go test` and `ginkgo` run a suite in its
// package directory while people mean the directory they typed the command in, which is
// usually the root; outside the source tree (the installed binary) it resolves against wd.
// An empty p stays empty (the key is unset); an empty wd means the working directory.
func ResolvePathFrom(p, wd string) string {
	if p == "" {
		return ""
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return p // nothing better to resolve against; the path is used as given
		}
	}
	if root, ok := ModuleRoot(wd); ok {
		wd = root
	}
	return filepath.Join(wd, p)
}

// ModuleRoot returns the directory of the nearest go.mod at or above dir, when that go.mod is
// this module's. A nearer go.mod of another module (an example that imports this one) means
// dir is not in this module's source tree.
func ModuleRoot(dir string) (string, bool) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			mod := moduleLine(f)
			f.Close()
			if mod != ModulePath {
				return "", false
			}
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func moduleLine(f *os.File) string {
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "module"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			return strings.Trim(strings.TrimSpace(strings.SplitN(strings.TrimSpace(rest), "//", 2)[0]), `"`)
		}
	}
	return ""
}
