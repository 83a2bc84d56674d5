//go:build unix

package netcore

import (
	"net"
	"syscall"
)

// unread is how many bytes (at least) wait in the socket's receive
// buffer, peeked without taking them.
func unread(c net.Conn) int {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return 0
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	var buf [1]byte
	_ = raw.Control(func(fd uintptr) {
		k, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		if err == nil {
			n = k
		}
	})
	return n
}
