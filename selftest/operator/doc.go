// Package operator proves, at every door a person starts the suite by (the jwt-conformance
// CLI, the compiled suite, the CLI's --procs), that a run cannot mislead them: it says what it
// tests first, exits with a code of the outcome's, preflights a live target, holds its lockout
// bound, never calls a dry run a pass, refuses a label filter that selects nothing, keeps
// colour out of pipes and writes its reports where its output says. Every run writes into the
// test's own temporary directory.
package operator
