// Package leakserver is a hostile server of our own and a leak scanner, for proving that the
// suite keeps its secrets whatever the server answers.
//
// The server (Start) answers the page's flow through the reference mock, signing with a canary
// key, and in the Classes it is given echoes the canary password, the canary key and validly
// signed tokens in every place and encoding a buggy or hostile stack can: escaped, in other
// fields and headers, after the body, in error pages, in odd token shapes, inside claims, and
// as raw bytes that Go's transport quotes back in its errors.
//
// The scanner (NewScanner) reads every stream and file a run wrote, raw and in decoded views
// (JSON and Go-quote unescaped, HTML-unescaped, URL-unescaped, base64 segments decoded), and
// reports the password, the key and any dot-separated triple that verifies under the key. A
// Hit names the file, the class and the place, never the secret.
package leakserver
