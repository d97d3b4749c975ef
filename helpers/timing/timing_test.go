package timing

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zonesmart/jwt-conformance/helpers/httpx"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func TestWindowEdgesAtTheTolerance(t *testing.T) {
	w := Around(t0, t0.Add(400*time.Millisecond), time.Time{}, 30*time.Second, 5*time.Minute)
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
	w := Around(t0, t0.Add(time.Second), t0.Add(5*time.Minute), 0, 5*time.Minute)
	if err := IssuedWithin(t0.Add(5*time.Minute).Add(time.Hour).Unix(), time.Hour, w); err != nil {
		t.Errorf("a token stamped by the server's Date must pass: %v", err)
	}
	if err := IssuedWithin(t0.Add(7*time.Minute).Add(time.Hour).Unix(), time.Hour, w); err == nil {
		t.Error("a token off from both clocks must fail")
	}
}

func TestZeroSkewIsExact(t *testing.T) {
	w := Around(t0, t0, time.Time{}, 0, 5*time.Minute)
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

func TestADateFarAheadNoLongerWidensTheWindow(t *testing.T) {
	// The server's Date runs 30 days ahead and its access tokens live 30 days (plus the 2 hours
	// configured): the unbounded hull took in their issue instant, so they passed.
	const month, life = 30 * 24 * time.Hour, 2 * time.Hour
	date := t0.Add(month)
	exp := t0.Add(month).Add(life).Unix()
	if err := IssuedWithin(exp, life, Around(t0, t0.Add(time.Second), date, 30*time.Second, month+time.Minute)); err != nil {
		t.Fatalf("with a bound above the offset the Date still widens: %v", err)
	}
	err := IssuedWithin(exp, life, Around(t0, t0.Add(time.Second), date, 30*time.Second, 5*time.Minute))
	if err == nil {
		t.Fatal("a Date 30 days ahead must not widen the window by 30 days")
	}
	for _, want := range []string{"judged by our clock alone", "the server's clock is 29d23h59m59s ahead of ours", "clock.max_server_offset (5m0s)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error should say %q: %v", want, err)
		}
	}
	// A token right by our clock passes whatever the server's Date says.
	if err := IssuedWithin(t0.Add(life).Unix(), life, Around(t0, t0.Add(time.Second), date, 30*time.Second, 5*time.Minute)); err != nil {
		t.Errorf("a token stamped by our clock must pass: %v", err)
	}
}

func TestOffsetIsTheLeastTheDateProves(t *testing.T) {
	for _, tc := range []struct {
		name           string
		sent, received time.Time
		date           time.Time
		want           time.Duration
	}{
		{"in step", t0, t0.Add(300 * time.Millisecond), t0, 0},
		{"Date second overlaps the request", t0.Add(900 * time.Millisecond), t0.Add(1100 * time.Millisecond), t0, 0},
		{"ahead", t0, t0.Add(time.Second), t0.Add(5*time.Minute + 3*time.Second), 5*time.Minute + 2*time.Second},
		{"behind", t0, t0.Add(time.Second), t0.Add(-2 * time.Minute), -2*time.Minute + time.Second},
	} {
		got, ok := Offset(tc.sent, tc.received, tc.date)
		if !ok || got != tc.want {
			t.Errorf("%s: Offset = %s, %v; want %s", tc.name, got, ok, tc.want)
		}
	}
	if _, ok := Offset(time.Time{}, time.Time{}, t0); ok {
		t.Error("an exchange without our instants (the page's examples) has no offset")
	}
	if _, ok := Offset(t0, t0, time.Time{}); ok {
		t.Error("an answer without a Date has no offset")
	}
}

func TestSkewWarning(t *testing.T) {
	const skew, bound = 30 * time.Second, 5 * time.Minute
	if w := SkewWarning(30*time.Second, skew, bound); w != "" {
		t.Errorf("an offset within clock.skew is not named: %q", w)
	}
	w := SkewWarning(5*time.Minute+1500*time.Millisecond, skew, bound)
	for _, want := range []string{"the server's clock is 5m02s ahead of ours", "clock.skew (30s)", "judged by our clock alone"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q should say %q", w, want)
		}
	}
	w = SkewWarning(-4*time.Minute, skew, bound)
	for _, want := range []string{"4m00s behind ours", "judged by its Date"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q should say %q", w, want)
		}
	}
}

func TestClockText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 1500 * time.Millisecond: "2s", 5*time.Minute + 2*time.Second: "5m02s",
		time.Hour + 5*time.Second: "1h00m05s", 30 * 24 * time.Hour: "30d", 51*time.Hour + time.Second: "2d03h00m01s",
	} {
		if got := clockText(d); got != want {
			t.Errorf("clockText(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestServerSkewIsTheLargestOffset(t *testing.T) {
	at := func(date time.Time) *httpx.Exchange {
		h := http.Header{}
		if !date.IsZero() {
			h.Set("Date", date.Format(http.TimeFormat))
		}
		return &httpx.Exchange{Sent: t0, Received: t0.Add(time.Second), Response: &httpx.Response{Status: 200, Header: h}}
	}
	got, ok := ServerSkew(at(t0), nil, &httpx.Exchange{Err: "no answer"}, at(t0.Add(-time.Minute)), at(time.Time{}), at(t0.Add(10*time.Second)))
	if !ok || got != -59*time.Second {
		t.Errorf("ServerSkew = %s, %v; want -59s", got, ok)
	}
	if _, ok := ServerSkew(&httpx.Exchange{Response: &httpx.Response{Status: 200}}); ok {
		t.Error("exchanges without our instants or a Date show no skew")
	}
}
