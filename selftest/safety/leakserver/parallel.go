package leakserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
)

// ParallelSpy stands in for the ginkgo CLI's server, which the processes of a `ginkgo -p` run
// share over unauthenticated loopback HTTP, and keeps everything a process sends it: the
// evidence of the synchronized set-up among it. Any local process can read what that server is
// sent, so it must hold no secret either.
//
// Run process 1 of 2 against it (--ginkgo.parallel.process=1 --ginkgo.parallel.total=2
// --ginkgo.parallel.host=URL, and GINKGO_PARALLEL_PROTOCOL=HTTP in its environment: the
// default protocol, net/rpc, carries the same data): as the primary it runs the set-up and posts its data, then runs
// every spec, since no other process takes any.
type ParallelSpy struct {
	// URL is the value for --ginkgo.parallel.host.
	URL string

	srv     *httptest.Server
	mu      sync.Mutex
	counter int
	sent    map[string]*bytes.Buffer
}

// StartParallelSpy starts the stand-in on loopback.
func StartParallelSpy() *ParallelSpy {
	p := &ParallelSpy{sent: map[string]*bytes.Buffer{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL
	return p
}

// Close stops the stand-in.
func (p *ParallelSpy) Close() { p.srv.Close() }

// Sent is every body the process posted, by path ("/before-suite-completed", "/did-run",
// "/emit-output"…), in the order received.
func (p *ParallelSpy) Sent() map[string][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string][]byte{}
	for k, b := range p.sent {
		out[k] = append([]byte(nil), b.Bytes()...)
	}
	return out
}

// Paths lists the paths that were posted to, sorted.
func (p *ParallelSpy) Paths() []string {
	var out []string
	for k := range p.Sent() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (p *ParallelSpy) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		body, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		if p.sent[r.URL.Path] == nil {
			p.sent[r.URL.Path] = &bytes.Buffer{}
		}
		p.sent[r.URL.Path].Write(append(body, '\n'))
		p.mu.Unlock()
		return
	}
	switch r.URL.Path {
	case "/counter":
		p.mu.Lock()
		n := p.counter
		p.counter++
		p.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]int{"Index": n})
	case "/report-before-suite-state":
		_, _ = w.Write([]byte(`"passed"`))
	case "/aggregated-nonprimary-procs-report":
		_, _ = w.Write([]byte(`{}`))
	case "/before-suite-state":
		// Only a secondary process asks, and none runs against the spy.
		w.WriteHeader(http.StatusGone)
	default: // /up, /have-nonprimary-procs-finished, /abort (200: do not abort)
	}
}
