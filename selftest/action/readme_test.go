package action_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
)

// TestTheREADMEsWorkflowIsOneToCopy: the workflow the README's first screen shows is ten lines
// at most, passes actionlint, and gives the action inputs it has, its required ones included.
func TestTheREADMEsWorkflowIsOneToCopy(t *testing.T) {
	root, err := harness.Root()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "**The GitHub Action.**")
	_, rest, ok2 := strings.Cut(rest, "```yaml\n")
	workflow, _, ok3 := strings.Cut(rest, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("the README shows no workflow after **The GitHub Action.**")
	}
	if n := strings.Count(workflow, "\n"); n > 10 {
		t.Errorf("the README's workflow is %d lines; the promise is ten", n)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(workflow), &wf); err != nil {
		t.Fatalf("the README's workflow is not YAML: %v", err)
	}
	action, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Inputs map[string]struct {
			Required bool `yaml:"required"`
		} `yaml:"inputs"`
	}
	if err := yaml.Unmarshal(action, &meta); err != nil {
		t.Fatal(err)
	}
	used := 0
	for _, job := range wf.Jobs {
		for _, step := range job.Steps {
			if !strings.HasPrefix(step.Uses, "zonesmart/jwt-conformance@") {
				continue
			}
			used++
			for k := range step.With {
				if _, ok := meta.Inputs[k]; !ok {
					t.Errorf("the README's workflow gives the action an input it does not have: %s", k)
				}
			}
			for k, in := range meta.Inputs {
				if _, ok := step.With[k]; in.Required && !ok {
					t.Errorf("the README's workflow leaves out the required input %s", k)
				}
			}
		}
	}
	if used != 1 {
		t.Fatalf("the README's workflow uses the action %d times, want once", used)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "conformance.yml")
	if err := os.WriteFile(path, []byte(workflow), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "tool", "actionlint", "-no-color", path)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("actionlint on the README's workflow: %v\n%s", err, out)
	}
}
