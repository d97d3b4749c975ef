package redact

import (
	"strings"
	"testing"
	"time"
)

// mebibyteBody is a 1 MiB JSON answer with a token, the password in two encodings and a lot
// of dotted and base64 text that looks a little like tokens.
func mebibyteBody(tb testing.TB) (string, string) {
	tok := sign(tb, `{"alg":"HS256"}`, claimsJSON, canaryKey, false)
	var b strings.Builder
	for b.Len() < 1<<20 {
		b.WriteString(`{"id":12345,"host":"api.staging.example.com","v":"1.2.3","blob":"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo.YWJj.ZGVm","access":"`)
		b.WriteString(tok)
		b.WriteString(`","echo":"` + goJSONOf(canaryPassword, true) + `","page":"` + strings.Repeat("lorem ipsum ", 20) + "\"}\n")
	}
	return b.String(), tok
}

func benchRedactor(tb testing.TB, tok string) *Redactor {
	r := New(canaryPassword)
	r.SetSigningKey([]byte(canaryKey))
	r.AddToken(tok)
	for i := 0; i < 50; i++ { // a long run learns many tokens
		r.AddToken(sign(tb, `{"alg":"HS256"}`, `{"n":`+strings.Repeat("1", i+1)+`}`, "k", false))
	}
	return r
}

func BenchmarkString1MiB(b *testing.B) {
	body, tok := mebibyteBody(b)
	r := benchRedactor(b, tok)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.String(body)
	}
}

func BenchmarkFind1MiB(b *testing.B) {
	body, tok := mebibyteBody(b)
	r := benchRedactor(b, tok)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Find(body)
	}
}

// Hostile shapes must stay linear: a long run of dots, of base64, or of glued segments.
func TestHostileShapesStayFast(t *testing.T) {
	r := New(canaryPassword)
	r.SetSigningKey([]byte(canaryKey))
	for name, s := range map[string]string{
		"dots":              strings.Repeat("a.", 1<<19),
		"base64":            strings.Repeat("ICAg", 1<<18) + ".e30.x",
		"signature-shaped":  strings.Repeat("eyJ9."+strings.Repeat("A", 86)+".", 1<<13),
		"whitespace header": strings.Repeat("ICAgICAgICAgICAg.", 1<<16),
		"escaped dots":      strings.Repeat("e30%2E", 1<<17),
	} {
		start := time.Now()
		r.String(s)
		r.Find(s)
		// A hang guard, not a performance bound: quadratic behaviour takes minutes here.
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%s: %v", name, d)
		}
	}
}

// A body that echoes password fields runs the field patterns too.
func BenchmarkString1MiBWithPasswordFields(b *testing.B) {
	body, tok := mebibyteBody(b)
	body = strings.ReplaceAll(body, `"echo":`, `"current_password":`)
	r := benchRedactor(b, tok)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.String(body)
	}
}

func BenchmarkLearnJSON1MiB(b *testing.B) {
	body, tok := mebibyteBody(b)
	b.SetBytes(int64(len(body)))
	for i := 0; i < b.N; i++ {
		benchRedactor(b, tok).LearnJSON([]byte(body))
	}
}
