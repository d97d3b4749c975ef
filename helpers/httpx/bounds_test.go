package httpx

import (
	"bufio"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/config"
	"github.com/zonesmart/jwt-conformance/helpers/rawhttp"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
)

func TestResponseHeadersAreCapped(t *testing.T) {
	for name, write := range map[string]func(w *bufio.Writer){
		"9 MB of headers": func(w *bufio.Writer) {
			w.WriteString("HTTP/1.1 200 OK\r\n")
			for i := 0; i < (9<<20)/64; i++ {
				if _, err := w.WriteString("X-Padding: " + strings.Repeat("p", 51) + "\r\n"); err != nil {
					return
				}
			}
			w.WriteString("\r\n")
		},
		"a never-ending header line": func(w *bufio.Writer) {
			w.WriteString("HTTP/1.1 200 OK\r\nX-Endless: ")
			rawhttp.Repeat(w, 'e', 64<<20)
		},
		"a huge status line": func(w *bufio.Writer) {
			w.WriteString("HTTP/1.1 200 ")
			rawhttp.Repeat(w, 'S', 9<<20)
			w.WriteString("\r\n\r\n")
		},
		"a huge header value": func(w *bufio.Writer) {
			w.WriteString("HTTP/1.1 200 OK\r\nX-Big: ")
			rawhttp.Repeat(w, 'v', 9<<20)
			w.WriteString("\r\nContent-Length: 0\r\n\r\n")
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := newClient(rawhttp.Serve(t, write))
			start := time.Now()
			ex := c.Do(ctx, Call{Step: "create", Method: "GET", Path: "/"})
			if took := time.Since(start); took > time.Second {
				t.Errorf("the request took %s: the cap should end it at once", took)
			}
			if ex.Response != nil {
				t.Fatalf("an answer over the cap was accepted: %s", ex.Summary())
			}
			for _, want := range []string{"http.max_header_bytes (65536 bytes)", "ZS_MAX_HEADER_BYTES"} {
				if !strings.Contains(ex.Err, want) {
					t.Errorf("the error should name %q: %s", want, ex.Err)
				}
			}
			if strings.Contains(ex.Err, "\n") || len(ex.Err) > MaxMessage+40 {
				t.Errorf("the error should be one short line: %d bytes", len(ex.Err))
			}
			if ex.Attempts != 1 {
				t.Errorf("an answer over the cap is not retried: %d attempts", ex.Attempts)
			}
		})
	}
}

func TestTransportErrorsAreBoundedAndRedacted(t *testing.T) {
	const password = "hunter2-secret-pw"
	secretHeader := strings.Repeat("A", 5000) + password
	// A whole signed token, whose signature must not survive; short, so the cut alone
	// would not hide it.
	const signature = "c2lnbmF0dXJlLXNpZ25hdH"
	token := "eyJhIjoxfQ.e30." + signature
	for name, tc := range map[string]struct {
		answer, class string
	}{
		"malformed status line":  {password + strings.Repeat("z", 5000) + "\r\n\r\n", "malformed HTTP response"},
		"malformed version":      {password + strings.Repeat("v", 5000) + " 200 OK\r\n\r\n", "malformed HTTP"},
		"header without a colon": {"HTTP/1.1 200 OK\r\n" + password + secretHeader + "\r\n\r\n", "malformed MIME header"},
		"a token for a header":   {"HTTP/1.1 200 OK\r\n" + token + "\r\n\r\n", "malformed MIME header"},
	} {
		t.Run(name, func(t *testing.T) {
			c := newClient(rawhttp.Serve(t, func(w *bufio.Writer) { w.WriteString(tc.answer) }))
			c.Retries = 0
			c.Redactor = redact.New(password)
			ex := c.Do(ctx, Call{Step: "create", Method: "GET", Path: "/"})
			if ex.Response != nil {
				t.Fatalf("got an answer: %s", ex.Summary())
			}
			if !strings.Contains(ex.Err, tc.class) {
				t.Errorf("the error should keep its class %q: %s", tc.class, ex.Err)
			}
			if strings.Contains(ex.Err, password) || strings.Contains(ex.Err, "hunter2") || strings.Contains(ex.Err, signature) {
				t.Errorf("the error holds the password or a signature: %s", ex.Err)
			}
			if len(ex.Err) > MaxMessage+40 || strings.Contains(ex.Err, "\n") {
				t.Errorf("the error should be one short line, got %d bytes: %s", len(ex.Err), ex.Err)
			}
		})
	}
}

func TestSummariesAndTranscriptsAreBounded(t *testing.T) {
	h := http.Header{"Content-Type": {"application/json; " + strings.Repeat("c", 10000)}}
	for i := 0; i < 200; i++ {
		h.Add("X-Many", strings.Repeat("m", 10000))
	}
	ex := &Exchange{Step: "create", Request: Request{Method: "GET", URL: "http://x/"}, Response: &Response{Status: 200, Header: h, Body: []byte("{}")}}
	if s := ex.Summary(); len(s) > 200 {
		t.Errorf("the summary is %d bytes: %.100s…", len(s), s)
	}
	tr := ex.Transcript(redact.New(), 4096)
	if len(tr) > (maxHeaderLines+6)*(MaxMessage+40) {
		t.Errorf("the transcript is %d bytes", len(tr))
	}
	if !strings.Contains(tr, "more header lines") || !strings.Contains(tr, "more bytes)") {
		t.Errorf("the transcript should say what it left out:\n%.600s", tr)
	}
}

func TestClip(t *testing.T) {
	if got := Clip("short", 10); got != "short" {
		t.Errorf("Clip kept %q", got)
	}
	if got := Clip("ééééé", 2); got != "éé… (6 more bytes)" {
		t.Errorf("Clip cut %q", got)
	}
}

// tlsConfig loads a live configuration for base from env, as a run does.
func tlsConfig(t *testing.T, base string, env map[string]string) *config.Config {
	t.Helper()
	env["ZS_BASE_URL"], env["ZS_EMAIL"], env["ZS_PASSWORD"] = base, "qa@example.test", "pw"
	cfg, err := config.Load("", func(k string) (string, bool) { v, ok := env[k]; return v, ok }, func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestTLSSettings(t *testing.T) {
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	s.StartTLS()
	defer s.Close()
	send := func(cfg *config.Config) *Exchange {
		c, err := NewFor(s.URL, cfg, redact.New())
		if err != nil {
			t.Fatal(err)
		}
		c.Retries = 0
		return c.Do(ctx, Call{Step: "me", Method: "GET", Path: "/"})
	}

	t.Run("without the CA", func(t *testing.T) {
		ex := send(tlsConfig(t, s.URL, map[string]string{}))
		if ex.Response != nil || strings.Contains(ex.Err, "\n") {
			t.Fatalf("want one line of error, got %q (%s)", ex.Err, ex.Summary())
		}
		for _, want := range []string{"TLS", "tls.ca_file", "ZS_TLS_CA_FILE"} {
			if !strings.Contains(ex.Err, want) {
				t.Errorf("the error should name %q: %s", want, ex.Err)
			}
		}
	})
	t.Run("with the CA file", func(t *testing.T) {
		ca := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg := tlsConfig(t, s.URL, map[string]string{"ZS_TLS_CA_FILE": ca})
		if ex := send(cfg); ex.Status() != http.StatusNoContent {
			t.Fatalf("with tls.ca_file the server is trusted: %s", ex.Summary())
		}
		if w := cfg.Warnings(); len(w) > 0 {
			t.Errorf("a CA file is no reason to warn: %v", w)
		}
	})
	t.Run("for another host", func(t *testing.T) {
		ca := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}), 0o600); err != nil {
			t.Fatal(err)
		}
		other := strings.Replace(s.URL, "127.0.0.1", "localhost", 1)
		c, err := NewFor(other, tlsConfig(t, other, map[string]string{"ZS_TLS_CA_FILE": ca}), redact.New())
		if err != nil {
			t.Fatal(err)
		}
		c.Retries = 0
		ex := c.Do(ctx, Call{Step: "me", Method: "GET", Path: "/"})
		if !strings.Contains(ex.Err, "is not for its host") || !strings.HasSuffix(ex.Err, "check the host in ZS_BASE_URL") {
			t.Errorf("want the host named, got %q", ex.Err)
		}
	})
	t.Run("with insecure_skip_verify", func(t *testing.T) {
		cfg := tlsConfig(t, s.URL, map[string]string{"ZS_TLS_INSECURE_SKIP_VERIFY": "true"})
		if ex := send(cfg); ex.Status() != http.StatusNoContent {
			t.Fatalf("with tls.insecure_skip_verify the server is not checked: %s", ex.Summary())
		}
		if w := strings.Join(cfg.Warnings(), "\n"); !strings.Contains(w, "tls.insecure_skip_verify") {
			t.Errorf("tls.insecure_skip_verify must warn, got %q", w)
		}
	})
}
