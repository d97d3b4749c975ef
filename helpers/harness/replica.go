package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Replica is a running copy of the Django replica of the real stack.
type Replica struct {
	Env   map[string]string // ZS_BASE_URL, ZS_EMAIL, ZS_PASSWORD, ZS_SIGNING_KEY
	root  string
	state string
}

// ReplicaAvailable says whether Debian's Python has the replica's packages, and if not, why.
func ReplicaAvailable() (bool, string) {
	err := exec.Command("/usr/bin/python3", "-c", "import django, rest_framework, rest_framework_simplejwt, djoser, gunicorn").Run()
	if err != nil {
		return false, "the replica's Debian packages are not installed (make replica-deps)"
	}
	return true, ""
}

// StartReplica starts the replica in mode ("upstream" or "doc-literal") with its own state
// directory under dir, so several can run side by side.
func StartReplica(dir, mode string) (*Replica, error) {
	root, err := Root()
	if err != nil {
		return nil, err
	}
	state, err := os.MkdirTemp(dir, "replica-"+mode+"-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(root, "scripts", "replica.sh"), "start", mode)
	cmd.Env = append(cleanEnv(), "REPLICA_STATE_DIR="+state)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("starting the replica (%s): %v: %s", mode, err, lastLines(stderr.String(), 5))
	}
	r := &Replica{Env: map[string]string{}, root: root, state: state}
	for _, f := range strings.Fields(strings.TrimPrefix(strings.TrimSpace(string(out)), "export ")) {
		if k, v, ok := strings.Cut(f, "="); ok {
			r.Env[k] = v
		}
	}
	if r.Env["ZS_BASE_URL"] == "" {
		r.Stop()
		return nil, fmt.Errorf("the replica printed no ZS_BASE_URL: %q", out)
	}
	return r, nil
}

// Stop ends the replica; it is safe to call twice.
func (r *Replica) Stop() {
	cmd := exec.Command(filepath.Join(r.root, "scripts", "replica.sh"), "stop")
	cmd.Env = append(cleanEnv(), "REPLICA_STATE_DIR="+r.state)
	_ = cmd.Run()
}

// With returns the replica's environment plus extra settings.
func (r *Replica) With(extra map[string]string) map[string]string {
	env := map[string]string{}
	for k, v := range r.Env {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
