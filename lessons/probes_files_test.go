package lessons_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons/probe"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The files and compression probes fail a server that does not do the
// lesson's work, with a reason that names what is missing.
func TestFilesAndCompressionProbesFailOtherServers(t *testing.T) {
	cases := []struct {
		set    probe.Set
		server netcore.Behavior
		name   string // the probe that must fail
		reason string // in its reason
	}{
		{probe.Files, behaviors.Router{Idle: 5 * time.Second}, "GET / serves an HTML page", "text/html"},
		{probe.Compression, behaviors.Files{Idle: 5 * time.Second}, "Accept-Encoding: gzip gets a gzip body with Vary: Accept-Encoding", "compress the body with gzip"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv, err := netcore.Listen(defaultsAt("127.0.0.1:0"), c.server, netcore.Discard{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
			opt := probe.Options{Target: srv.Addrs()[0].String(), Wait: time.Second, Reply: 2 * time.Second, Quiet: 500 * time.Millisecond}
			rep, err := probe.Run(t.Context(), "x", c.set, opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Results {
				if r.Name == c.name {
					if r.Pass || r.Kind != probe.Wrong || !strings.Contains(r.Reason, c.reason) {
						t.Errorf("%q: pass %v, kind %s, reason %q; want it wrong, saying %q", r.Name, r.Pass, r.Kind, r.Reason, c.reason)
					}
					return
				}
			}
			t.Errorf("no probe named %q", c.name)
		})
	}
}
