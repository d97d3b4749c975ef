package replay

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/h2non/gock"
)

// Session serves fixtures to one http.Client through gock. Every fixture answers once; a
// request no fixture matches fails with the nearest fixture and how it differs.
type Session struct {
	client  *http.Client
	mu      sync.Mutex
	byMock  map[gock.Mock]*Fixture
	times   map[*http.Response]*Fixture
	matched map[*http.Request]*Fixture
	misses  []string
}

// Start intercepts client (and, through gock, the default transport, so nothing reaches the
// network) and registers the fixtures in order.
func Start(client *http.Client, base string, fixtures []*Fixture) *Session {
	gock.DisableNetworking()
	gock.Intercept()
	gock.InterceptClient(client)
	s := &Session{client: client, byMock: map[gock.Mock]*Fixture{}, times: map[*http.Response]*Fixture{}, matched: map[*http.Request]*Fixture{}}
	// gock tells which mock answered; the fixture's recorded time then stands for "now".
	gock.Observe(func(r *http.Request, m gock.Mock) {
		s.mu.Lock()
		if fx, ok := s.byMock[m]; ok {
			s.matched[r] = fx
		}
		s.mu.Unlock()
	})
	client.Transport = &explainer{inner: client.Transport, s: s}
	for _, fx := range fixtures {
		s.register(base, fx)
	}
	return s
}

func (s *Session) register(base string, fx *Fixture) {
	req := gock.New(base)
	req.SetMatcher(gock.NewEmptyMatcher())
	req.AddMatcher(func(r *http.Request, _ *gock.Request) (bool, error) {
		body, err := readBody(r)
		if err != nil {
			return false, err
		}
		return fx.mismatch(r, body) == "", nil
	})
	res := req.Reply(fx.Response.Status)
	for k, v := range fx.Response.Headers {
		res.SetHeader(k, v)
	}
	body, _ := fx.Response.bytes()
	res.BodyString(string(body))
	for _, m := range gock.GetAll() {
		if m.Request() == req {
			s.byMock[m] = fx
		}
	}
}

// Problems names every request no fixture matched and every fixture left unused.
func (s *Session) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]string(nil), s.misses...)
	var unused []string
	for _, m := range gock.Pending() {
		if fx, ok := s.byMock[m]; ok {
			unused = append(unused, "fixture never requested: "+fx.Name())
		}
	}
	sort.Strings(unused)
	return append(out, unused...)
}

// Reset clears the problems seen so far, so each spec is judged on its own requests.
func (s *Session) Reset() {
	s.mu.Lock()
	s.misses = nil
	s.mu.Unlock()
}

// Times gives the recorded instants of a replayed answer, for httpx.Client.Times.
func (s *Session) Times(resp *http.Response) (time.Time, time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fx, ok := s.times[resp]
	if !ok || fx.SentAt.IsZero() {
		return time.Time{}, time.Time{}, false
	}
	return fx.SentAt, fx.ReceivedAt, true
}

// Stop removes the mocks and restores the client.
func (s *Session) Stop() {
	if e, ok := s.client.Transport.(*explainer); ok {
		s.client.Transport = e.inner
	}
	gock.RestoreClient(s.client)
	gock.Observe(nil)
	gock.OffAll()
}

// explainer turns gock's bare "cannot match" into the nearest fixture and the difference, and
// remembers which fixture answered so its recorded time can be used.
type explainer struct {
	inner http.RoundTripper
	s     *Session
}

func (e *explainer) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	pending := e.pending()
	resp, err := e.inner.RoundTrip(r)
	if errors.Is(err, gock.ErrCannotMatch) {
		msg := nearest(r, body, pending)
		e.s.mu.Lock()
		e.s.misses = append(e.s.misses, msg)
		e.s.mu.Unlock()
		return nil, errors.New(msg)
	}
	if err == nil {
		e.s.mu.Lock()
		if fx, ok := e.s.matched[r]; ok {
			e.s.times[resp] = fx
			delete(e.s.matched, r)
		}
		e.s.mu.Unlock()
	}
	return resp, err
}

// pending lists the unused fixtures in registration order.
func (e *explainer) pending() []*Fixture {
	var out []*Fixture
	for _, m := range gock.Pending() {
		if fx, ok := e.s.byMock[m]; ok {
			out = append(out, fx)
		}
	}
	return out
}

func nearest(r *http.Request, body []byte, pending []*Fixture) string {
	best, bestDiff := "", ""
	for _, fx := range pending {
		d := fx.mismatch(r, body)
		same := fx.Request.Method == r.Method && fx.Request.Path == r.URL.RequestURI()
		if best == "" || same || len(d) < len(bestDiff) {
			best, bestDiff = fx.Name(), d
			if same {
				break
			}
		}
	}
	if best == "" {
		return fmt.Sprintf("replay: no fixture left for %s %s (the fixtures do not record this request)", r.Method, r.URL.RequestURI())
	}
	return fmt.Sprintf("replay: no fixture matches %s %s; nearest is %s: %s", r.Method, r.URL.RequestURI(), best, bestDiff)
}

// readBody reads a request body and puts it back for the next reader.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}
