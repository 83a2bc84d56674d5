//go:build unix

package lessons_test

import (
	"syscall"
	"testing"
)

// deadPort is a loopback port where nothing listens, held for the test: a
// socket is bound to it but never listens, so a connect is refused and no
// other test running alongside can take the port meanwhile (a port picked
// by listening and closing could be handed to the next listener).
func deadPort(t *testing.T) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return sa.(*syscall.SockaddrInet4).Port
}
