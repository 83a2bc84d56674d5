//go:build !unix

package lessons_test

import (
	"net"
	"testing"
)

// deadPort is a loopback port where nothing listens (picked by listening
// and closing; on unix a bound socket holds it for the test).
func deadPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return p
}
