package negative

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// MaxMalformed is how many malformed bodies each family holds.
const MaxMalformed = 50

// BogusEmail is the only address a malformed body ever names: .invalid is reserved (RFC 2606),
// so no account anywhere can have it, and the configured account never sees a malformed body.
const BogusEmail = "malformed@invalid.example"

// malformedSeed fixes the family: the same bodies, in the same order, on every run, so that a
// recording replays and a finding can be reproduced. Changing it changes every step's body.
const malformedSeed = 0x5a4d_4a57_5400_0005

// Body is one generated request body.
type Body struct {
	Kind string // what is wrong with it, for messages: "deep nesting (2000 levels)"
	Data []byte
}

// Malformed returns the family of malformed bodies for an endpoint whose JSON object takes the
// given string fields (email and password for create, refresh for refresh). Its order mixes the
// kinds, so that any prefix is a fair sample: a run sends the first safety.malformed_bodies.
//
// No create body is a usable log-in: after any JSON parse (duplicate keys resolved either way)
// it never holds both email and password as non-empty strings or numbers, so a malformed body
// cannot become a failed log-in that a throttle counts. No body carries a token.
func Malformed(fields ...string) []Body {
	first := fields[0]
	last := fields[len(fields)-1]
	r := rand.New(rand.NewPCG(malformedSeed, uint64(len(fields))))
	obj := object

	kinds := [][]Body{
		// Wrong types where strings belong.
		{
			{"fields of the wrong JSON types (booleans)", fieldsOf(fields, true)},
			{"fields of the wrong JSON types (objects)", fieldsOf(fields, map[string]any{"value": BogusEmail})},
			{"fields of the wrong JSON types (arrays)", fieldsOf(fields, []any{BogusEmail})},
			{"fields of the wrong JSON types (null)", fieldsOf(fields, nil)},
			{"a number where a string belongs, the rest missing", obj(first, 1e308)},
			{"an integer beyond 64 bits where a string belongs", []byte(`{"` + first + `":123456789012345678901234567890123456789}`)},
		},
		// Not an object at all.
		{
			{"a JSON array", []byte(`[]`)},
			{"a JSON string", []byte(`"` + BogusEmail + `"`)},
			{"a JSON number", []byte(`42`)},
			{"JSON null", []byte(`null`)},
			{"an array holding the object", append(append([]byte(`[`), fieldsOf(fields, true)...), ']')},
			{"JSON true", []byte(`true`)},
		},
		// Bytes that are not UTF-8, and escapes that are not characters.
		{
			{"invalid UTF-8 in a string (0xFF 0xFE)", []byte(`{"` + first + `":"` + "\xff\xfe" + `"}`)},
			{"a truncated UTF-8 sequence", []byte(`{"` + first + `":"` + "\xe2\x82" + `"}`)},
			{"an overlong UTF-8 encoding of '/'", []byte(`{"` + first + `":"` + "\xc0\xaf" + `"}`)},
			{"a lone UTF-16 surrogate escape", []byte(`{"` + first + `":"\ud800"}`)},
			{"invalid UTF-8 in a key", []byte(`{"` + "\xff" + `":"` + BogusEmail + `"}`)},
			{"a NUL escape in a string", []byte(`{"` + first + `":"a\u0000b"}`)},
		},
		// Deep nesting, which recursive parsers may not survive.
		{
			{"deep nesting (64 levels)", nest(first, 64, "[", "]")},
			{"deep nesting (2000 levels of arrays)", nest(first, 2000, "[", "]")},
			{"deep nesting (2000 levels of objects)", nest(first, 2000, `{"a":`, "}")},
			{"deep nesting (100000 levels)", nest(first, 100000, "[", "]")},
			{"a deeply nested top level (5000 arrays)", []byte(strings.Repeat("[", 5000) + strings.Repeat("]", 5000))},
		},
		// Huge strings, under common body limits (CREATE-OVERSIZED goes beyond them).
		{
			{"a 10 KiB string where a short one belongs, the rest missing", obj(first, strings.Repeat("a", 10<<10))},
			{"a 100 KiB string, the rest missing", obj(first, strings.Repeat("\u00e9", 50<<10))},
			{"a 500 KiB key", obj(strings.Repeat("k", 500<<10), BogusEmail)},
			{"10000 fields", manyFields(10000)},
		},
		// Duplicate keys, resolved first-wins or last-wins: neither gives a usable request.
		{
			{"a duplicated key, the last one null", []byte(`{"` + first + `":"` + BogusEmail + `","` + first + `":null}`)},
			{"a duplicated key, the first one null", []byte(`{"` + first + `":null,"` + first + `":[]}`)},
			{"the last field duplicated with two wrong types", []byte(`{"` + last + `":{},"` + last + `":false}`)},
		},
		// Not JSON, though it says it is.
		{
			{"truncated JSON", []byte(`{"` + first + `":"` + BogusEmail)},
			{"a trailing comma", []byte(`{"` + first + `":null,}`)},
			{"single quotes", []byte(`{'` + first + `': '` + BogusEmail + `'}`)},
			{"NaN", []byte(`{"` + first + `":NaN}`)},
			{"Infinity", []byte(`{"` + first + `":-Infinity}`)},
			{"two JSON values", []byte(`{}{}`)},
			{"a comment", []byte(`{/* comment */}`)},
			{"an unescaped control character", []byte(`{"` + first + `":"a` + "\x01\n" + `b"}`)},
			{"a byte-order mark before the JSON", []byte("\xef\xbb\xbf{}")},
			{"whitespace only", []byte(" \n\t ")},
			{"a bare key", []byte(`{` + first + `:null}`)},
			{"form encoding under a JSON content type", []byte(first + "=" + strings.ReplaceAll(BogusEmail, "@", "%40"))},
		},
	}

	var out []Body
	for i := 0; len(out) < MaxMalformed; i++ {
		added := false
		for _, k := range kinds {
			if i < len(k) && len(out) < MaxMalformed {
				out = append(out, k[i])
				added = true
			}
		}
		if !added {
			break
		}
	}
	// The rest: random structures of the wrong types, seeded, so the family is always the same.
	seen := map[string]bool{}
	for _, b := range out {
		seen[string(b.Data)] = true
	}
	for n, tries := 1, 0; len(out) < MaxMalformed && tries < 1000; tries++ {
		kv := make([]any, 0, 2*len(fields))
		for _, f := range fields {
			kv = append(kv, f, wrongType(r, 3))
		}
		data := obj(kv...)
		if seen[string(data)] {
			continue
		}
		seen[string(data)] = true
		out = append(out, Body{fmt.Sprintf("wrong types, random structure %d", n), data})
		n++
	}
	return out
}

// wrongType is a random JSON value that is neither a number nor a non-empty string: a server
// may take either for a field's text, and a log-in must never result.
func wrongType(r *rand.Rand, depth int) any {
	switch n := r.IntN(5); {
	case n == 0 || depth == 0:
		return []any{nil, true, false, ""}[r.IntN(4)]
	case n <= 2:
		a := make([]any, r.IntN(3))
		for i := range a {
			a[i] = leaf(r, depth-1)
		}
		return a
	default:
		m := map[string]any{}
		for i := range r.IntN(3) {
			m[fmt.Sprintf("k%d", i)] = leaf(r, depth-1)
		}
		return m
	}
}

// leaf is any JSON value: inside an array or object, numbers and strings are wrong too.
func leaf(r *rand.Rand, depth int) any {
	if r.IntN(2) == 0 {
		return []any{r.IntN(1000), "x", -0.5}[r.IntN(3)]
	}
	return wrongType(r, depth)
}

// fieldsOf is an object giving every field the same value.
func fieldsOf(fields []string, v any) []byte {
	kv := make([]any, 0, 2*len(fields))
	for _, f := range fields {
		kv = append(kv, f, v)
	}
	return object(kv...)
}

// object encodes key/value pairs in order (a map would sort them).
func object(kv ...any) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv[i])
		v, _ := json.Marshal(kv[i+1])
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String())
}

func nest(field string, depth int, open, close string) []byte {
	return []byte(`{"` + field + `":` + strings.Repeat(open, depth) + `null` + strings.Repeat(close, depth) + `}`)
}

func manyFields(n int) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"f%d":%d`, i, i)
	}
	b.WriteByte('}')
	return []byte(b.String())
}
