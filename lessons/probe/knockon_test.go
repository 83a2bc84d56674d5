package probe

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// A probe that cannot run because an earlier one failed is "not checked"
// (SKIP), not a failure of its own with a kind glued onto "not checked".
func TestKnockOnResultsAreNotChecked(t *testing.T) {
	plainOK := func(c net.Conn) {
		defer c.Close()
		buf := make([]byte, 4096)
		_, _ = c.Read(buf)
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
	}
	target := startProbeServer(t, plainOK)
	cases := []struct {
		lesson string
		first  string   // the probe that fails
		rest   []string // the probes it leaves nothing to judge
	}{
		{"tls", "tls-handshake", []string{"tls-get"}},
		{"websocket", "ws-upgrade", []string{"ws-echo", "ws-close"}},
		{"files", "html-index", []string{"linked-types", "not-modified"}},
	}
	for _, c := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		rep, err := Run(ctx, c.lesson, setOf[c.lesson], probeOpts(target))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		verdicts := map[string]Result{}
		for _, r := range rep.Results {
			verdicts[r.ID] = r
		}
		if r, ok := verdicts[c.first]; !ok || r.Verdict() != VerdictFail {
			t.Errorf("%s: %s is %+v, want a FAIL", c.lesson, c.first, r)
		}
		for _, id := range c.rest {
			r, ok := verdicts[id]
			switch {
			case !ok:
				t.Errorf("%s: no probe %s in %v", c.lesson, id, rep.Results)
			case r.Verdict() != VerdictSkip:
				t.Errorf("%s: %s is %s (%q), want SKIP", c.lesson, id, r.Verdict(), r.Reason)
			}
		}
		var out strings.Builder
		rep.WriteText(&out)
		if strings.Contains(out.String(), "but not what this lesson's server answers: not checked") {
			t.Errorf("%s: a kind label is glued onto not checked:\n%s", c.lesson, out.String())
		}
	}
}
