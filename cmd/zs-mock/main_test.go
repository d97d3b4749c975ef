package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/mockserver"
)

// syncBuffer lets the test read what run writes from another goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestBadInvocationsExit2WithOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-nope"}, nil, "flag provided but not defined: -nope"},
		{[]string{"-faults", "create-status-201,no-such-fault"}, nil, `"no-such-fault" is not a known fault`},
		{nil, map[string]string{"ZS_MOCK_FAULTS": "typo"}, `"typo" is not a known fault`},
		{[]string{"-addr", "0.0.0.0:0"}, nil, "not a loopback address"},
		{[]string{"-addr", "nonsense"}, nil, "-addr"},
		{[]string{"extra"}, nil, `unexpected argument "extra"`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, env(tc.env), &stdout, &stderr, nil)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		msg := stderr.String()
		if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, tc.want) || !strings.HasPrefix(msg, "zs-mock: ") {
			t.Errorf("%v: stderr %q, want one line with %q", tc.args, msg, tc.want)
		}
		if stdout.Len() != 0 {
			t.Errorf("%v: stdout %q", tc.args, stdout.String())
		}
	}
}

func TestListFaults(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-list-faults"}, env(nil), &stdout, &stderr, nil); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != len(mockserver.Faults())+1 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("%d lines:\n%s", len(lines), stdout.String())
	}
	for i, f := range mockserver.Faults() {
		line := lines[i+1]
		if !strings.HasPrefix(line, f.Name+" ") || !strings.Contains(line, strings.Join(f.Breaks, ",")) || !strings.HasSuffix(line, f.Description) {
			t.Errorf("line for %s: %q", f.Name, line)
		}
	}
}

func TestServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &syncBuffer{}
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-iat"}, env(map[string]string{"ZS_MOCK_FAULTS": "create-status-201", "ZS_MOCK_SIGNING_KEY": "k"}), stdout, io.Discard, ready)
	}()
	var base string
	select {
	case base = <-ready:
	case code := <-done:
		t.Fatalf("exited %d before serving", code)
	case <-time.After(10 * time.Second):
		t.Fatal("not serving after 10 s")
	}
	if first := strings.SplitN(stdout.String(), "\n", 2)[0]; first != base || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("first line %q, base %q", first, base)
	}
	resp, err := http.Post(base+"/v1/zonesmart/auth/jwt/create/", "application/json",
		strings.NewReader(`{"email":"admin@zonesmart.ru","password":"4815162342"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Errorf("the fault from ZS_MOCK_FAULTS is not on: %d", resp.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after shutdown", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no shutdown after 10 s")
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-faults", "", "-addr", "localhost:0"}, env(map[string]string{"ZS_MOCK_FAULTS": "typo"}), io.Discard, io.Discard, ready)
	}()
	select {
	case <-ready:
	case code := <-done:
		t.Fatalf("exited %d: an explicit -faults must win over ZS_MOCK_FAULTS", code)
	}
	cancel()
	<-done
}
