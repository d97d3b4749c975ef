package timing

import (
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func TestWindowEdgesAtTheTolerance(t *testing.T) {
	w := Around(t0, t0.Add(400*time.Millisecond), time.Time{}, 30*time.Second)
	const life = 2 * time.Hour
	expAt := func(issued time.Time) int64 { return issued.Add(life).Unix() }
	if err := IssuedWithin(expAt(t0.Add(-30*time.Second)), life, w); err != nil {
		t.Errorf("exactly at −skew must pass: %v", err)
	}
	if err := IssuedWithin(expAt(t0.Add(-31*time.Second)), life, w); err == nil {
		t.Error("one second before −skew must fail")
	}
	if err := IssuedWithin(expAt(t0.Add(31*time.Second)), life, w); err != nil {
		t.Errorf("received at +0.4 s rounds up to +1 s, plus skew 30 s: +31 s must pass: %v", err)
	}
	if err := IssuedWithin(expAt(t0.Add(32*time.Second)), life, w); err == nil {
		t.Error("one second past +skew must fail")
	}
}

func TestDateHeaderWidensToTheServerClock(t *testing.T) {
	// Our clock says t0; the server's Date says t0+5m and it stamps tokens by its own clock.
	w := Around(t0, t0.Add(time.Second), t0.Add(5*time.Minute), 0)
	if err := IssuedWithin(t0.Add(5*time.Minute).Add(time.Hour).Unix(), time.Hour, w); err != nil {
		t.Errorf("a token stamped by the server's Date must pass: %v", err)
	}
	if err := IssuedWithin(t0.Add(7*time.Minute).Add(time.Hour).Unix(), time.Hour, w); err == nil {
		t.Error("a token off from both clocks must fail")
	}
}

func TestZeroSkewIsExact(t *testing.T) {
	w := Around(t0, t0, time.Time{}, 0)
	if !w.Contains(t0) || w.Contains(t0.Add(time.Second)) || w.Contains(t0.Add(-time.Second)) {
		t.Fatalf("zero-skew window %s should hold only t0", w)
	}
}

func TestExactLifetime(t *testing.T) {
	if err := ExactLifetime(7200, 0, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	err := ExactLifetime(7201, 0, 2*time.Hour)
	if err == nil || !strings.Contains(err.Error(), "7201 s") {
		t.Fatalf("got %v", err)
	}
}

func TestHuman(t *testing.T) {
	for d, want := range map[time.Duration]string{90 * 24 * time.Hour: "90d", 2 * time.Hour: "2h0m0s", -time.Second: "-1s", 25 * time.Hour: "1d1h0m0s"} {
		if got := Human(d); got != want {
			t.Errorf("Human(%v) = %q, want %q", d, got, want)
		}
	}
}
