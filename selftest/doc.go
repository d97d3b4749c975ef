// Package selftest holds tests of the conformance suite itself, each package running the
// compiled suite as a user would against a server whose behaviour it controls: the reference
// mock and its faults, hostile servers, the replica of the real stack.
package selftest
