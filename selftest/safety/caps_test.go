package safety

import (
	"bufio"
	"context"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/harness"
	"github.com/zonesmart/jwt-conformance/helpers/rawhttp"
)

// Bounds of a run against a target whose headers never end. Before response headers were
// capped, 9 MB of headers on every answer turned a 20 s budget into 83 s, 1.36 GB of memory
// and 600 MB of reports. The bounds are generous: they catch a missing cap, not a slow machine.
const (
	maxRunRSS     = 300 << 20 // the suite process's peak resident memory
	maxRunWritten = 5 << 20   // its output, and all its reports together
)

// Every answer of these targets has more header than http.max_header_bytes allows: the run
// must end within its budget, with one named reason, in bounded memory and bounded reports.
func TestResponseHeaderCaps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(w *bufio.Writer)
	}{
		{"9 MB of headers", func(w *bufio.Writer) {
			w.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
			line := "X-Padding: " + strings.Repeat("p", 51) + "\r\n"
			for i := 0; i < (9<<20)/len(line); i++ {
				if _, err := w.WriteString(line); err != nil {
					return
				}
			}
			w.WriteString("Content-Length: 2\r\n\r\n{}")
		}},
		{"a never-ending header line", func(w *bufio.Writer) {
			w.WriteString("HTTP/1.1 200 OK\r\nX-Endless: ")
			rawhttp.Repeat(w, 'e', 1<<30)
		}},
		{"a huge status line", func(w *bufio.Writer) {
			w.WriteString("HTTP/1.1 200 ")
			rawhttp.Repeat(w, 'S', 9<<20)
			w.WriteString("\r\nContent-Length: 2\r\n\r\n{}")
		}},
		{"a huge header value", func(w *bufio.Writer) {
			w.WriteString("HTTP/1.1 200 OK\r\nX-Debug: ")
			rawhttp.Repeat(w, 'v', 9<<20)
			w.WriteString("\r\nContent-Length: 2\r\n\r\n{}")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := target(rawhttp.Serve(t, tc.write), victim)
			env["ZS_HTTP_TIMEOUT"] = hostileTimeout.String()
			env["ZS_RUN_BUDGET"] = hostileBudget.String()
			m := runMeasured(t, hostileBudget+4*hostileSlack, env)
			t.Logf("took %s, peak RSS %d MiB, output %d bytes, reports %d bytes", m.took.Round(time.Millisecond), m.maxRSS>>20, m.outputBytes, m.reportBytes)

			if m.took > hostileBudget+hostileSlack {
				t.Errorf("the run took %s; its budget is %s", m.took.Round(time.Millisecond), hostileBudget)
			}
			// Every answer of this server is the hostile one, the log-in's too: the run could not
			// test (exit 3), and its one line names the cap.
			if m.exit != 3 {
				t.Errorf("exit %d, want 3", m.exit)
			}
			if m.maxRSS > maxRunRSS {
				t.Errorf("the run's peak memory is %d MiB, more than %d MiB", m.maxRSS>>20, maxRunRSS>>20)
			}
			if m.outputBytes > maxRunWritten || m.reportBytes > maxRunWritten {
				t.Errorf("the run wrote %d bytes of output and %d bytes of reports, more than %d each", m.outputBytes, m.reportBytes, maxRunWritten)
			}
			if !strings.Contains(m.output, "http.max_header_bytes") || !strings.Contains(m.output, "ZS_MAX_HEADER_BYTES") {
				t.Errorf("no failure names http.max_header_bytes / ZS_MAX_HEADER_BYTES")
			}
			for _, bad := range []string{"panic", "goroutine "} {
				if strings.Contains(strings.ToLower(m.output), bad) {
					t.Errorf("the output holds %q", bad)
				}
			}
			if t.Failed() {
				t.Logf("output (first 8 KiB):\n%.8192s", m.output)
			}
		})
	}
}

// measured is one run of the compiled suite with what it cost.
type measured struct {
	exit        int
	took        time.Duration
	maxRSS      int64 // bytes
	output      string
	outputBytes int64
	reportBytes int64
}

// runMeasured runs the suite as runSuite does, with its output in a file rather than in this
// process's memory, and reads the child's peak memory from its resource usage.
func runMeasured(t *testing.T, limit time.Duration, env map[string]string) measured {
	t.Helper()
	bin, err := harness.Binary()
	if err != nil {
		t.Fatal(err)
	}
	slots <- struct{}{}
	defer func() { <-slots }()
	dir := t.TempDir()
	reports := filepath.Join(dir, "reports")
	if err := os.Mkdir(reports, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(dir, "output"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--ginkgo.no-color", "--ginkgo.json-report="+filepath.Join(reports, "report.json"),
		"--ginkgo.junit-report="+filepath.Join(reports, "junit.xml"))
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ZS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "ZS_REPORTS_DIR="+reports)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err = cmd.Run()
	m := measured{took: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("the run was still going after %s: it hangs", limit)
	}
	if cmd.ProcessState == nil {
		t.Fatalf("the suite did not start: %v", err)
	}
	m.exit = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = ru.Maxrss << 10 // Linux reports kilobytes
	}
	if st, err := out.Stat(); err == nil {
		m.outputBytes = st.Size()
	}
	head, _ := io.ReadAll(io.LimitReader(must(os.Open(out.Name())), 1<<20))
	m.output = string(head)
	_ = filepath.WalkDir(reports, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				m.reportBytes += info.Size()
			}
		}
		return nil
	})
	return m
}

func must(f *os.File, err error) io.Reader {
	if err != nil {
		return strings.NewReader("")
	}
	return f
}
