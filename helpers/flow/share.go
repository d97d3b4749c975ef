package flow

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/zonesmart/jwt-conformance/helpers/httpx"
	"github.com/zonesmart/jwt-conformance/helpers/redact"
)

// Learn teaches r every token and credential ex carries, wherever it carries it: every string
// at any depth of the request and response bodies (every duplicate key, and text after or
// instead of JSON), every header value, and the error text of an exchange that got no answer.
// From then on r masks them by value, in any place and encoding. An opaque credential (a
// cookie, a non-token Authorization value) is learned as a secret only from what the server
// sent: what the suite sends is a token the server issued or one the suite derived on purpose
// ("not-a-jwt", a stripped signature), which a recording must keep as the replay will send it.
func Learn(r *redact.Redactor, ex *httpx.Exchange) {
	if ex == nil {
		return
	}
	for _, vs := range ex.Request.Header {
		for _, v := range vs {
			r.LearnText(v)
		}
	}
	r.LearnJSON(ex.Request.Body)
	if ex.Response != nil {
		r.LearnHeader(ex.Response.Header)
		r.LearnJSON(ex.Response.Body)
	}
	r.LearnText(ex.Err)
	// What the answer issued, in the places the page documents, whatever its shape.
	refresh, access := ex.Issued()
	r.AddToken(refresh)
	r.AddToken(access)
}

// Learn teaches r everything the flow's exchanges carry (see the package function Learn).
func (f *Flow) Learn(r *redact.Redactor) {
	for _, ex := range f.Exchanges {
		Learn(r, ex)
	}
}

// The evidence crosses Ginkgo's parallel processes through the ginkgo CLI's server, which
// listens on loopback without authentication: any local process can read it. So the evidence
// is shared sealed (AES-GCM) under a key derived from the run's secrets, which every process
// of the run reads from the same configuration, and the create request's password is masked
// inside the seal as well. A local process that does not know the password and the signing
// key learns nothing from it but its length.

// sealContext separates this key derivation from any other use of the same secrets.
const sealContext = "zonesmart-jwt-conformance flow evidence v1"

// sealRounds makes guessing the password from a captured seal slow; every process derives the
// key once.
const sealRounds = 100_000

// sealed is what is shared: a nonce and the ciphertext of the flow's JSON.
type sealed struct {
	Nonce  []byte `json:"nonce"`
	Sealed []byte `json:"sealed"`
}

// Share returns the flow as the data other processes receive: the create request's password
// (the walk's own password, given) masked, and the whole sealed under secrets, the run's
// configured secrets in the order every process has them.
func (f *Flow) Share(password string, secrets ...string) ([]byte, error) {
	shared := *f
	shared.Exchanges = make(map[string]*httpx.Exchange, len(f.Exchanges))
	for step, ex := range f.Exchanges {
		shared.Exchanges[step] = ex
	}
	if ex := f.Exchanges[Create]; ex != nil {
		// The password field is masked even when the password is not known here.
		masked := *ex
		masked.Request.Body = []byte(redact.New(password).String(string(ex.Request.Body)))
		shared.Exchanges[Create] = &masked
	}
	plain, err := json.Marshal(&shared)
	if err != nil {
		return nil, err
	}
	gcm, err := sealer(secrets)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return json.Marshal(sealed{Nonce: nonce, Sealed: gcm.Seal(nil, nonce, plain, []byte(sealContext))})
}

// Receive opens what Share returned, with the same secrets.
func Receive(data []byte, secrets ...string) (*Flow, error) {
	var s sealed
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("the flow's evidence from process 1 is not readable (%v)", err)
	}
	gcm, err := sealer(secrets)
	if err != nil {
		return nil, err
	}
	if len(s.Nonce) != gcm.NonceSize() {
		return nil, errors.New("the flow's evidence from process 1 is not sealed evidence")
	}
	plain, err := gcm.Open(nil, s.Nonce, s.Sealed, []byte(sealContext))
	if err != nil {
		return nil, errors.New("the flow's evidence from process 1 does not open with this process's secrets: every process of a run must have the same ZS_PASSWORD and ZS_SIGNING_KEY")
	}
	f := &Flow{}
	if err := json.Unmarshal(plain, f); err != nil {
		return nil, err
	}
	return f, nil
}

func sealer(secrets []string) (cipher.AEAD, error) {
	var material []byte
	for _, s := range secrets {
		material = strconv.AppendInt(material, int64(len(s)), 10) // unambiguous: "ab"+"c" ≠ "a"+"bc"
		material = append(material, ':')
		material = append(material, s...)
	}
	key, err := pbkdf2.Key(sha256.New, string(material), []byte(sealContext), sealRounds, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
