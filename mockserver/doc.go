// Package mockserver is a reference implementation of the Zonesmart authentication page's
// contract (token create, /users/me/, token refresh), answering errors the way the real
// Django REST framework + djoser + simplejwt stack does, so that the conformance suite can be
// run, and its own checks tested, without the real API.
//
// A catalogue of named faults (see Faults) turns the server into one that deviates from the page
// in exactly one way each; a suite run against each fault shows which clauses catch it.
//
// A fault's Breaks are the clauses whose checks (helpers/checks) fail against it, run with the
// signing key: a MUST clause fails, a SHOULD clause warns (fails in strict mode). For clauses
// judged on the walked flow they were confirmed by running the suite against every fault. For
// the negative and keyed clauses not yet in the catalogue they rest on these assumptions:
//   - negative checks judge the status (a refusal, or a 4xx instead of a 5xx), not texts;
//   - CREATE-NOT-JSON sends a body that is not JSON; CREATE-MALFORMED sends JSON that is not an
//     object of strings; REFRESH-MALFORMED may send either;
//   - ME-GARBAGE sends "JWT <something that is not a JWS>"; ME-EXTRA-PARTS sends
//     "JWT <valid access token> <more>"; ME-ALG-CHANGED re-signs with the key under HS384 (or
//     only edits the header); ME-TAMPERED and REFRESH-TAMPERED keep user_id;
//   - ME-MISSING-CLAIM drops exp, jti or token_type (a token without user_id names no user);
//   - REFRESH-EXPIRED sends the page's own refresh token, which expired in September 2020.
//
// The mock treats the page's own example tokens as validly signed (they were signed with the
// production key, which it does not have), so that they are refused for their expiry, as the
// real server refuses them, and ME-EXPIRED-EXAMPLE exercises the expiry check.
package mockserver
