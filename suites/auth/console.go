// The run's first lines and its colours: what is being tested, said first, and no colour codes
// where no terminal reads them.

package auth

import "os"

// announce prints the run's first lines: what is tested, and the settings that weaken it.
func (r *run) announce() {
	if r.announced {
		return
	}
	r.announced = true
	r.out.Printf("conformance: %s", r.cfg.Describe())
	for _, w := range r.cfg.Warnings() {
		r.out.Printf("warning: %s", w)
	}
}

// Announce prints what the prepared run tests and its warnings, once: a door that starts the
// suite in other processes (ginkgo -p) says it first itself.
func Announce() {
	if suite != nil {
		suite.announce()
	}
}

// colourWanted says whether the console may carry colour codes: not into a pipe or a file,
// and never when NO_COLOR is set (https://no-color.org).
func colourWanted() bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	info, err := stdoutForStat.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// stdoutForStat is the standard output's descriptor, only ever stat'ed: nothing is written
// around the door. It is a package variable so that it is never collected, since the
// finalizer of an *os.File closes its descriptor.
var stdoutForStat = os.NewFile(1, "stdout")

// ColourWanted is colourWanted for the doors that build Ginkgo's reporter configuration
// themselves.
func ColourWanted() bool { return colourWanted() }
