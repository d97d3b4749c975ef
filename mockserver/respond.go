package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// challenge is what simplejwt's JWTAuthentication puts in WWW-Authenticate.
const challenge = `JWT realm="api"`

// field and object keep JSON keys in the order DRF writes them, so that answers read like the
// page's examples; order carries no meaning for a JSON client.
type field struct {
	key   string
	value any
}

type object []field

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	writeTyped(w, status, "application/json", body)
}

func writeTyped(w http.ResponseWriter, status int, contentType string, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		serverError(w)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// unauthorized answers 401 with the challenge, as DRF does while JWT authentication is the
// first authentication class. The challenge is dropped by the no-www-authenticate fault.
func (s *Server) unauthorized(w http.ResponseWriter, body object) {
	if !s.on(faultNoWWWAuthenticate) {
		w.Header().Set("WWW-Authenticate", challenge)
	}
	writeJSON(w, http.StatusUnauthorized, body)
}

// serverError is Django's production 500 page: HTML, whatever the client asked for.
func serverError(w http.ResponseWriter) {
	h := w.Header()
	h.Del("Allow")
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte("\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n"))
}
