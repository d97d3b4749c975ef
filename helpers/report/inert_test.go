package report

import (
	"strings"
	"testing"
)

// Server text cannot make Markdown live: no image, no link, no HTML, and no code span or fence
// it can close early.
func TestMarkdownHelpersKeepServerTextInert(t *testing.T) {
	hostile := "see ` ![pixel](http://x.invalid/p.png) and [details](http://x.invalid/d) <img src=x> ``` \\`"
	if got, want := cell(hostile), "```"+"` "+hostile+" `"+"```"; got != want {
		// Inside a code span of four backticks, which the text's run of three cannot close.
		t.Errorf("cell(hostile) = %s, want %s", got, want)
	}
	if got := cell("JWT <access> | 200 & JSON"); got != `JWT &lt;access&gt; \| 200 &amp; JSON` {
		t.Errorf("plain text: %s", got)
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
