package auth

// Shim is the testing.T a door outside go test gives Run: it records whether Ginkgo failed.
type Shim struct{ failed bool }

// Fail is what Ginkgo calls when the suite fails.
func (s *Shim) Fail() { s.failed = true }

// Failed reports whether Ginkgo failed the suite.
func (s *Shim) Failed() bool { return s.failed }
