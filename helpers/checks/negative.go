package checks

import "github.com/zonesmart/jwt-conformance/helpers/httpx"

// Refused judges "refused with 401 or 403" on an exchange a spec sent itself, in the same words
// as the flow's refusals.
func Refused(ex *httpx.Exchange) Result { return refused(ex) }
