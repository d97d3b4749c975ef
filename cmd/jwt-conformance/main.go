// Command jwt-conformance runs the conformance suite of the Zonesmart API's JWT authentication
// page against a live server, a recording, or the page's own examples, and exits with the
// run's outcome:
//
//	0  pass: no clause failed
//	1  a clause failed
//	2  usage or configuration: nothing was tested
//	3  could not test (the target could not be reached or logged in to), or the environment
//	   broke the run
//
// Every ZS_* variable has a flag (ZS_BASE_URL is --base-url), which wins over it. Run it with
// --help for the list.
//
//	go run ./cmd/jwt-conformance                      # the page's own examples, offline
//	go run ./cmd/jwt-conformance --base-url https://staging.example.com --email qa@example.com
//	go install github.com/zonesmart/jwt-conformance/cmd/jwt-conformance@latest
package main

import (
	"os"
)

func main() {
	os.Exit(cli{args: os.Args[1:], environ: os.Environ()}.main())
}
