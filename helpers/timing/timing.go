// Package timing judges token lifetimes against the clock that issued them. A live server's
// issue instant is bracketed by our clock around the request and by its Date header, when that
// Date is within clock.max_server_offset of our clock; a replay takes its clock from the
// fixture, never from the wall.
package timing

import (
	"fmt"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/httpx"
)

// Window is the closed interval of instants, to the second, within which a server may have
// issued a token.
type Window struct {
	Earliest, Latest time.Time
	// Note says why the server's Date did not widen the window, "" when it did or there was
	// none: IssuedWithin adds it to its error, so a failure names the skew it was judged under.
	Note string
}

// Around brackets an exchange: from the request's start to the response's arrival by our
// clock, widened to take in the server's Date header (one-second resolution) when it is within
// maxOffset of our clock, then by skew on both sides. Taking the hull of both clocks means a
// server whose clock is a little off is judged by its own Date; bounding the hull means a
// server cannot pass any lifetime by sending a Date far enough away (30 days ahead and 30-day
// tokens). A Date further off is ignored and our clock alone judges.
func Around(sent, received time.Time, date time.Time, skew, maxOffset time.Duration) Window {
	lo, hi := sent, received
	note := ""
	if off, ok := Offset(sent, received, date); ok {
		if abs(off) <= maxOffset {
			if date.Before(lo) {
				lo = date
			}
			if end := date.Add(time.Second); end.After(hi) {
				hi = end
			}
		} else {
			note = fmt.Sprintf("judged by our clock alone: %s, more than clock.max_server_offset (%s) allows its Date to widen the window", Distance(off), Human(maxOffset))
		}
	}
	// exp is an integer: a server truncates its instant, so the lower bound is floored.
	lo = lo.Truncate(time.Second).Add(-skew)
	hi = hi.Add(skew)
	if hi.Truncate(time.Second) != hi {
		hi = hi.Truncate(time.Second).Add(time.Second)
	}
	return Window{lo.UTC(), hi.UTC(), note}
}

// Offset is how far the server's clock is from ours at one exchange, positive when it is
// ahead, false when the exchange has no Date or no instants of ours. The server wrote its Date,
// truncated to the second, at some instant between our sending and our receiving, so the Date
// proves only a distance between two intervals: Offset is that least distance, zero when they
// overlap. A server is never held to more skew than the evidence shows.
func Offset(sent, received, date time.Time) (time.Duration, bool) {
	if date.IsZero() || sent.IsZero() || received.IsZero() {
		return 0, false
	}
	switch end := date.Add(time.Second); {
	case date.After(received):
		return date.Sub(received), true
	case end.Before(sent):
		return end.Sub(sent), true
	}
	return 0, true
}

// ServerSkew is the server's clock offset that the exchanges show: the largest in size of
// their Offsets, false when none carries a Date and our instants (the page's examples).
func ServerSkew(exchanges ...*httpx.Exchange) (time.Duration, bool) {
	var worst time.Duration
	found := false
	for _, ex := range exchanges {
		if ex == nil || ex.Response == nil {
			continue
		}
		if off, ok := Offset(ex.Sent, ex.Received, ex.Date()); ok {
			if !found || abs(off) > abs(worst) {
				worst = off
			}
			found = true
		}
	}
	return worst, found
}

// SkewWarning names a server clock offset beyond skew, "" within it: the run prints it even
// when every clause passes, since a clock that far off breaks token expiry for other clients.
func SkewWarning(offset, skew, maxOffset time.Duration) string {
	if abs(offset) <= skew {
		return ""
	}
	judged := "lifetimes were judged by its Date, within clock.max_server_offset (" + Human(maxOffset) + ")"
	if abs(offset) > maxOffset {
		judged = "lifetimes were judged by our clock alone, as it is beyond clock.max_server_offset (" + Human(maxOffset) + ")"
	}
	return fmt.Sprintf("%s, more than clock.skew (%s): %s; check both clocks (NTP)", Distance(offset), Human(skew), judged)
}

// Distance says how far the server's clock is from ours, in words: "the server's clock is
// 5m02s ahead of ours".
func Distance(offset time.Duration) string {
	way := "ahead of"
	if offset < 0 {
		way = "behind"
	}
	return fmt.Sprintf("the server's clock is %s %s ours", clockText(abs(offset)), way)
}

// clockText prints a clock distance as people read clocks, in whole seconds rounded up (the
// distance is a least one): 5m02s, 1h00m05s, 30d, 2d03h00m00s.
func clockText(d time.Duration) string {
	if r := d.Truncate(time.Second); r != d {
		d = r + time.Second
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h, m, s := d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second
	switch {
	case days > 0 && d == 0:
		return fmt.Sprintf("%dd", days)
	case days > 0:
		return fmt.Sprintf("%dd%02dh%02dm%02ds", days, h, m, s)
	case h > 0:
		return fmt.Sprintf("%dh%02dm%02ds", h, m, s)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
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
	err := fmt.Errorf("exp %d (%s) less a lifetime of %s puts its issue at %s, %s outside the request's window %s",
		exp, Unix(exp).Format(time.RFC3339), Human(lifetime), issued.Format(time.RFC3339), Human(abs(off)), w)
	if w.Note != "" {
		err = fmt.Errorf("%w, %s", err, w.Note)
	}
	return err
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
