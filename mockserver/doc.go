// Package mockserver is a reference implementation of the Zonesmart authentication page's
// contract (token create, /users/me/, token refresh), answering errors the way the real
// Django REST framework + djoser + simplejwt stack does, so that the conformance suite can be
// run, and its own checks tested, without the real API.
//
// A catalogue of named faults (see Faults) turns the server into one that deviates from the page
// in exactly one way each; a suite run against each fault shows which clauses catch it.
//
// A fault's Breaks are the clauses whose checks (helpers/checks) fail against it, run with the
// signing key: a MUST clause fails, a SHOULD clause warns (fails in strict mode). The kill matrix
// (selftest/killmatrix) runs the suite against every fault, with and without the key, and fails
// when a declared clause survives or an undeclared one fails, so these sets are checked, not
// assumed.
//
// The mock treats the page's own example tokens as validly signed (they were signed with the
// production key, which it does not have), so that they are refused for their expiry, as the
// real server refuses them, and ME-EXPIRED-EXAMPLE exercises the expiry check.
package mockserver
