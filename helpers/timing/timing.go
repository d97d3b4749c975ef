// Package timing judges token lifetimes against the clock that issued them. A live server's
// issue instant is bracketed by our clock around the request and by its Date header; a replay
// takes its clock from the fixture, never from the wall.
package timing

import (
	"fmt"
	"time"
)

// Window is the closed interval of instants, to the second, within which a server may have
// issued a token.
type Window struct {
	Earliest, Latest time.Time
}

// Around brackets an exchange: from the request's start to the response's arrival by our
// clock, widened to take in the server's Date header (one-second resolution) when present,
// then by skew on both sides. Taking the hull of both clocks means a server whose clock is off
// from ours is judged by its own Date, while a token off from both by more than skew fails.
func Around(sent, received time.Time, date time.Time, skew time.Duration) Window {
	lo, hi := sent, received
	if !date.IsZero() {
		if date.Before(lo) {
			lo = date
		}
		if end := date.Add(time.Second); end.After(hi) {
			hi = end
		}
	}
	// exp is an integer: a server truncates its instant, so the lower bound is floored.
	lo = lo.Truncate(time.Second).Add(-skew)
	hi = hi.Add(skew)
	if hi.Truncate(time.Second) != hi {
		hi = hi.Truncate(time.Second).Add(time.Second)
	}
	return Window{lo.UTC(), hi.UTC()}
}

// Contains reports whether t lies in the window, ends included.
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.Earliest) && !t.After(w.Latest)
}

func (w Window) String() string {
	return fmt.Sprintf("[%s, %s]", w.Earliest.Format(time.RFC3339), w.Latest.Format(time.RFC3339))
}

// Unix turns a NumericDate into a time.
func Unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// IssuedWithin checks that a token expiring at exp with the given lifetime was issued inside w.
func IssuedWithin(exp int64, lifetime time.Duration, w Window) error {
	issued := Unix(exp).Add(-lifetime)
	if w.Contains(issued) {
		return nil
	}
	off := issued.Sub(w.Latest)
	if issued.Before(w.Earliest) {
		off = issued.Sub(w.Earliest)
	}
	return fmt.Errorf("exp %d (%s) less a lifetime of %s puts its issue at %s, %s outside the request's window %s",
		exp, Unix(exp).Format(time.RFC3339), Human(lifetime), issued.Format(time.RFC3339), Human(abs(off)), w)
}

// ExactLifetime checks exp − iat against a lifetime, to the second.
func ExactLifetime(exp, iat int64, lifetime time.Duration) error {
	got := time.Duration(exp-iat) * time.Second
	if got == lifetime {
		return nil
	}
	return fmt.Errorf("exp − iat is %s (%d s), expected exactly %s (%d s)", Human(got), exp-iat, Human(lifetime), int64(lifetime/time.Second))
}

// Human prints a duration in the units people speak of lifetimes in.
func Human(d time.Duration) string {
	neg := d < 0
	d = abs(d)
	var s string
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		s = fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= 24*time.Hour:
		s = fmt.Sprintf("%dd%s", d/(24*time.Hour), (d % (24 * time.Hour)).String())
	default:
		s = d.String()
	}
	if neg {
		return "-" + s
	}
	return s
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
