package session

import (
	"testing"

	"github.com/spf13/pflag"
	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// The flags start from netcore.DefaultConfig(), and --listen, --port and
// --lan combine into one address; bad ones are bad usage.
func TestListenAddr(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, netcore.DefaultConfig().Addr},
		{[]string{"--port", "0"}, "localhost:0"},
		{[]string{"--listen", "0.0.0.0:8080"}, "0.0.0.0:8080"},
		{[]string{"--listen", "[::1]:4100", "--port", "4101"}, "[::1]:4101"},
		{[]string{"--lan"}, ":3000"},
		{[]string{"--lan", "--port", "4102"}, ":4102"},
		{[]string{"--listen", "127.0.0.1"}, "127.0.0.1:3000"},
	} {
		o := NewOptions()
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		o.BindServer(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if got, err := o.ListenAddr(); err != nil || got != tc.want {
			t.Errorf("%v: %q, %v; want %q", tc.args, got, err, tc.want)
		}
		if o.Server.MaxConns != netcore.DefaultConfig().MaxConns || o.Server.CaptureTotal != netcore.DefaultConfig().CaptureTotal {
			t.Errorf("%v: limits are not the defaults: %+v", tc.args, o.Server)
		}
	}
	for _, args := range [][]string{
		{"--port", "70000"}, {"--port", "-1"}, {"--listen", "localhost:99999"}, {"--listen", ":3000"},
		{"--listen", "nope:not-a-port"}, {"--listen", "a\x1bb:3000"}, {"--lan", "--listen", "x\u202e:1"},
	} {
		o := NewOptions()
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		o.BindServer(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if _, err := o.ListenAddr(); !usage.Is(err) || err.Error() != netcore.EscapeText(err.Error()) {
			t.Errorf("%q: %v; want bad usage, escaped", args, err)
		}
	}
}
