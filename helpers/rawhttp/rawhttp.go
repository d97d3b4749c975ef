// Package rawhttp serves answers net/http would never write (9 MB of headers, an endless status
// line, bytes that are not HTTP at all), so tests can prove the client and the whole suite stay
// bounded against them. It is test support: nothing of a run uses it.
package rawhttp

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// Serve answers every request on a loopback listener with the bytes write sends, after reading
// the request's head, then closes the connection; it returns the base URL. A client that hangs
// up ends the write, and each connection ends within 30 s whatever happens.
func Serve(t testing.TB, write func(w *bufio.Writer)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(30 * time.Second))
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				w := bufio.NewWriterSize(c, 32<<10)
				write(w)
				_ = w.Flush()
			}()
		}
	}()
	return "http://" + l.Addr().String()
}

// Repeat writes n bytes of b, stopping at the first failed write (the client hung up).
func Repeat(w *bufio.Writer, b byte, n int) {
	chunk := []byte(strings.Repeat(string(b), 32<<10))
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			return
		}
		n -= k
	}
}
