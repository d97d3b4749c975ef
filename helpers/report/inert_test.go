package report

import (
	"strings"
	"testing"
)

// Server text cannot make Markdown live: no image, no link, no HTML, and no code span or fence
// it can close early.
func TestMarkdownHelpersKeepServerTextInert(t *testing.T) {
	hostile := "see ` ![pixel](http://x.invalid/p.png) and [details](http://x.invalid/d) <img src=x> ``` \\`"
	if got := cell(hostile); strings.Count(got, "[") != strings.Count(got, "\\[") || strings.Count(got, "]") != strings.Count(got, "\\]") || strings.Contains(got, "<img") || strings.Count(got, "`") != strings.Count(got, "\\`") {
		t.Errorf("cell left live Markdown: %s", got)
	}
	for in, want := range map[string]string{
		"plain":          "`plain`",
		"a ` b":          "``a ` b``",
		"``x``":          "``` ``x`` ```",
		"a | b":          "`a \\| b`",
		"![i](http://x)": "`![i](http://x)`",
	} {
		if got := code(in); got != want {
			t.Errorf("code(%q) = %s, want %s", in, got, want)
		}
	}
	body := "line\n````\n![i](http://x)\n"
	f := fence(body, "text")
	if !strings.HasPrefix(f, "`````text\n") || !strings.HasSuffix(f, "\n`````\n") {
		t.Errorf("fence does not outrun the body's backticks:\n%s", f)
	}
}
