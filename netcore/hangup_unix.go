//go:build unix

package netcore

import (
	"net"
	"syscall"
	"time"
)

// watchHangUp closes gone when the peer of raw has hung up (a peek reads
// end of file or a reset), checking every hangUpPoll until stop. It never
// takes bytes off the connection: the behavior still reads them.
func watchHangUp(raw net.Conn, gone, stop chan struct{}) {
	sc, ok := raw.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	t := time.NewTicker(hangUpPoll)
	defer t.Stop()
	buf := make([]byte, 1)
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		hungUp := false
		_ = rc.Read(func(fd uintptr) bool {
			n, _, err := syscall.Recvfrom(int(fd), buf, syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
			hungUp = (n == 0 && err == nil) || (err != nil && err != syscall.EAGAIN && err != syscall.EWOULDBLOCK && err != syscall.EINTR)
			return true // never wait for the socket to be readable
		})
		if hungUp {
			close(gone)
			return
		}
	}
}
