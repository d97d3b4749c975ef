package out

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/zonesmart/jwt-conformance/helpers/redact"
)

// The code of a run: everything that executes while the suite runs, at any door.
var runCode = []string{"suites", "helpers", "cmd/jwt-conformance", "conformance"}

// notRunCode are folders under runCode that never run inside a suite run: the door itself, and
// the harness that self-tests use to start the suite as a user would.
var notRunCode = []string{"helpers/out", "helpers/harness"}

// pending are files still to be moved onto the door: none.
var pending = map[string]bool{}

// bypasses are the ways to write around the door: printing, the standard streams, file writes,
// and Ginkgo's own entry points for messages and report entries.
var bypasses = map[string]string{
	"fmt.Print": "print", "fmt.Printf": "print", "fmt.Println": "print",
	"os.Stdout": "a standard stream", "os.Stderr": "a standard stream",
	"os.WriteFile": "a file write", "os.Create": "a file write", "os.OpenFile": "a file write", "os.CreateTemp": "a file write",
	"AddReportEntry": "a report entry", "Fail": "a failure message", "Skip": "a skip message", "AbortSuite": "a failure message",
	"GinkgoWriter": "Ginkgo's writer", "GinkgoLogr": "Ginkgo's writer", "print": "print", "println": "print",
}

// TestNothingWritesAroundTheDoor fails when run code prints, writes a file, or hands Ginkgo a
// message or report entry any other way than through a Door.
func TestNothingWritesAroundTheDoor(t *testing.T) {
	root := moduleRoot(t)
	var found []string
	for _, dir := range runCode {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, e fs.DirEntry, err error) error {
			if os.IsNotExist(err) {
				return filepath.SkipDir
			}
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			if e.IsDir() {
				for _, skip := range notRunCode {
					if rel == skip || e.Name() == "testdata" {
						return filepath.SkipDir
					}
				}
				return nil
			}
			if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
				return nil
			}
			found = append(found, bypassesIn(t, path, rel)...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(found)
	for _, f := range found {
		if file, _, _ := strings.Cut(f, ":"); pending[file] {
			continue
		}
		t.Errorf("%s: write it through the run's out.Door instead", f)
	}
}

func bypassesIn(t *testing.T, path, rel string) []string {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	dotGinkgo := false
	for _, imp := range file.Imports {
		if imp.Name != nil && imp.Name.Name == "." && strings.HasPrefix(imp.Path.Value, `"github.com/onsi/ginkgo/v2`) {
			dotGinkgo = true
		}
	}
	var found []string
	report := func(n ast.Node, name string) {
		found = append(found, fmt.Sprintf("%s:%d: %s is %s", rel, fset.Position(n.Pos()).Line, name, bypasses[name]))
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok {
				name := x.Name + "." + n.Sel.Name
				if _, bad := bypasses[name]; bad {
					report(n, name)
				}
				// Ginkgo imported by name: ginkgo.Fail, ginkgo.AddReportEntry, …
				if x.Name == "ginkgo" {
					if _, bad := bypasses[n.Sel.Name]; bad {
						report(n, n.Sel.Name)
					}
				}
			}
			return false
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "print" || id.Name == "println") && id.Obj == nil {
				report(id, id.Name)
			}
		case *ast.Ident:
			// Ginkgo's names, where the file dot-imports it.
			if _, bad := bypasses[n.Name]; bad && dotGinkgo && n.Obj == nil && n.Name != "print" && n.Name != "println" {
				report(n, n.Name)
			}
		}
		return true
	})
	return found
}

func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

// TestTheDoorRedactsEveryWay proves each way out masks a known secret and a token, in the
// encodings a server might echo them in.
func TestTheDoorRedactsEveryWay(t *testing.T) {
	const secret = ` pä"ss\<w>&rd`
	r := redact.New(secret)
	var stdout, stderr bytes.Buffer
	d := New(r, &stdout, &stderr)
	d.Printf("password %s, quoted %q", secret, secret)
	d.Errorf("json %s", jsonOf(secret))
	if _, err := d.Stdout().Write([]byte("split " + secret[:4])); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Stdout().Write([]byte(secret[4:] + " across writes\n")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "sub", "report.md")
	if err := d.WriteFile(file, []byte("file "+secret)); err != nil {
		t.Fatal(err)
	}
	if err := d.CreateFile(file, []byte("again")); err == nil {
		t.Error("CreateFile overwrote a file that exists")
	}
	written, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := d.redactValue(entry{Message: "entry " + secret}).(entry)
	if !ok {
		t.Fatalf("a struct entry lost its type: %T", d.redactValue(entry{}))
	}
	for name, got := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "file": string(written), "entry": v.Message} {
		for _, form := range redact.Forms(secret) {
			if strings.Contains(got, form) {
				t.Errorf("%s holds the secret as %q: %q", name, form, got)
			}
		}
		if !strings.Contains(got, redact.Mask) {
			t.Errorf("%s shows no mask: %q", name, got)
		}
	}
}

// entry is a report entry value with a String method, as the suite's verdicts have: it must stay
// a struct so the report can decode it.
type entry struct{ Message string }

func (e entry) String() string { return "entry: " + e.Message }

func jsonOf(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
