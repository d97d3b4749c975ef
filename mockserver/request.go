package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// readData reads the request body the way DRF's default parsers do (JSON, form, multipart) and
// returns request.data: a map for an object, or another JSON value. On a problem it writes the
// answer itself and returns false.
func (s *Server) readData(w http.ResponseWriter, r *http.Request, ep endpoint) (any, bool) {
	fail500 := func(fault string) bool {
		if s.on(fault) {
			serverError(w)
			return true
		}
		return false
	}
	tooLarge := func() {
		if (ep == endpointCreate && fail500(faultCreateOversized500)) ||
			(ep == endpointRefresh && fail500(faultRefreshOversized500)) {
			return
		}
		writeJSON(w, http.StatusRequestEntityTooLarge, object{
			{"detail", fmt.Sprintf("Request body is larger than %d bytes.", MaxBodyBytes)},
		})
	}
	if r.ContentLength > MaxBodyBytes {
		tooLarge()
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			tooLarge()
		} else {
			writeJSON(w, http.StatusBadRequest, object{{"detail", "Could not read the request body."}})
		}
		return nil, false
	}

	contentType := r.Header.Get("Content-Type")
	// DRF yields empty data, not an error, for an empty body or one without a content type.
	if len(body) == 0 || contentType == "" {
		return map[string]any{}, true
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = ""
	}
	ignored := (ep == endpointCreate && s.on(faultCreateContentTypeIgnored)) ||
		(ep == endpointRefresh && s.on(faultRefreshContentTypeIgnored))
	if ignored && mediaType != "application/x-www-form-urlencoded" && mediaType != "multipart/form-data" {
		mediaType = "application/json"
	}

	switch mediaType {
	case "application/json":
		data, err := decodeJSON(body)
		if err != nil {
			if ep == endpointCreate && fail500(faultCreateNotJSON500) {
				return nil, false
			}
			if ep == endpointRefresh && (fail500(faultRefreshMalformed500) || fail500(faultRefreshNotJSON500)) {
				return nil, false
			}
			writeJSON(w, http.StatusBadRequest, object{{"detail", "JSON parse error - " + err.Error()}})
			return nil, false
		}
		return data, true
	case "application/x-www-form-urlencoded":
		// Like Django's QueryDict, a malformed pair is skipped rather than refused.
		values, _ := url.ParseQuery(string(body))
		return lastValues(values), true
	case "multipart/form-data":
		form, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(MaxBodyBytes)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, object{{"detail", "Multipart form parse error - " + err.Error()}})
			return nil, false
		}
		defer func() { _ = form.RemoveAll() }()
		return lastValues(form.Value), true
	default:
		writeJSON(w, http.StatusUnsupportedMediaType, object{
			{"detail", fmt.Sprintf("Unsupported media type %q in request.", contentType)},
		})
		return nil, false
	}
}

// decodeJSON accepts exactly one JSON value in valid UTF-8, as Python's json module does.
func decodeJSON(body []byte) (any, error) {
	if !utf8.Valid(body) {
		return nil, errors.New("the body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var data any
	if err := dec.Decode(&data); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("extra data after the JSON value")
	}
	return data, nil
}

// lastValues mirrors QueryDict.get, which returns the last value of a repeated key.
func lastValues(values map[string][]string) map[string]any {
	data := make(map[string]any, len(values))
	for k, v := range values {
		if len(v) > 0 {
			data[k] = v[len(v)-1]
		}
	}
	return data
}

// pythonType names a decoded JSON value the way DRF's "Expected a dictionary" message does.
func pythonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case string:
		return "str"
	case []any:
		return "list"
	case json.Number:
		if strings.ContainsAny(string(v), ".eE") {
			return "float"
		}
		return "int"
	default:
		return "dict"
	}
}

// Field error messages, as DRF words them.
const (
	msgRequired  = "This field is required."
	msgNull      = "This field may not be null."
	msgBlank     = "This field may not be blank."
	msgNotString = "Not a valid string."
)

// charField validates one field like DRF's CharField (trimmed, not blank, not null). It returns
// the value, or the message of the field error.
func charField(data map[string]any, name string) (value, problem string) {
	raw, present := data[name]
	if !present {
		return "", msgRequired
	}
	var s string
	switch v := raw.(type) {
	case nil:
		return "", msgNull
	case string:
		s = v
	case json.Number:
		s = v.String()
	default:
		return "", msgNotString
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", msgBlank
	}
	return s, ""
}

// fieldErrors validates the named fields and returns DRF's field error answer, or nil.
func fieldErrors(data map[string]any, names ...string) (values map[string]string, errs object) {
	values = map[string]string{}
	for _, name := range names {
		v, problem := charField(data, name)
		if problem != "" {
			errs = append(errs, field{name, []string{problem}})
			continue
		}
		values[name] = v
	}
	return values, errs
}

// anyNull reports whether a field error says a field is null.
func anyNull(errs object) bool {
	for _, f := range errs {
		if f.value.([]string)[0] == msgNull {
			return true
		}
	}
	return false
}

// longValueBytes is how long a value must be for the *-long-* faults to trip on it: beyond any
// real email, password or token, and short of the 10 KiB (6 KiB for a header) the suite sends.
const longValueBytes = 4 << 10

// anyLong reports whether a named field is a string longer than longValueBytes.
func anyLong(data map[string]any, names ...string) bool {
	for _, name := range names {
		if v, ok := data[name].(string); ok && len(v) > longValueBytes {
			return true
		}
	}
	return false
}

// coerced is the *-wrong-type-coerced faults: booleans, arrays and objects in the named fields
// read as their text, the way str() would show them, instead of being refused.
func coerced(data map[string]any, names ...string) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = v
	}
	for _, name := range names {
		switch v := out[name].(type) {
		case bool:
			out[name] = map[bool]string{true: "True", false: "False"}[v]
		case []any, map[string]any:
			b, _ := json.Marshal(v)
			out[name] = string(b)
		}
	}
	return out
}

// fieldErrorAnswer writes DRF's 400 field error answer, or, under the given *-errors-listed
// fault, the same errors as a list of {"field", "message"} objects.
func (s *Server) fieldErrorAnswer(w http.ResponseWriter, listedFault string, errs object) {
	if !s.on(listedFault) {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	var listed []object
	for _, f := range errs {
		for _, msg := range f.value.([]string) {
			listed = append(listed, object{{"field", f.key}, {"message", msg}})
		}
	}
	writeJSON(w, http.StatusBadRequest, object{{"errors", listed}})
}

// onlyMissing reports whether every field error is a missing or blank field (as opposed to a
// wrongly typed one), which is what the *-missing-field-500 faults trip on.
func onlyMissing(errs object) bool {
	for _, f := range errs {
		msgs := f.value.([]string)
		if msgs[0] != msgRequired && msgs[0] != msgBlank {
			return false
		}
	}
	return len(errs) > 0
}

func notADictionary(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusBadRequest, object{
		{"non_field_errors", []string{fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pythonType(data))}},
	})
}
