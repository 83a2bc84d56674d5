package probe

import (
	"bufio"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// listening reports whether a socket listens on TCP port, without
// connecting to it: a one-at-a-time server would be blocked by such a
// connection, and one that splits an empty request would crash on it. On
// Linux it reads the kernel's socket tables; elsewhere it tries to bind
// the port on loopback, which fails with EADDRINUSE while something
// listens there, and lets go at once.
func listening(port int) bool {
	if found, ok := procListening(port); ok {
		return found
	}
	for _, host := range []string{"127.0.0.1", "::1"} {
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err == nil {
			_ = l.Close()
			continue
		}
		if errors.Is(err, syscall.EADDRINUSE) {
			return true
		}
	}
	return false
}

// procListening reads /proc/net/tcp and tcp6 for a LISTEN socket (state
// 0A) on port; ok is false when there is no such table.
func procListening(port int) (found, ok bool) {
	want := strings.ToUpper(strconv.FormatInt(int64(port), 16))
	for len(want) < 4 {
		want = "0" + want
	}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		ok = true
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// sl local_address rem_address st ...: local is HEXIP:HEXPORT.
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 || fields[3] != "0A" {
				continue
			}
			if _, p, cut := strings.Cut(fields[1], ":"); cut && p == want {
				_ = f.Close()
				return true, true
			}
		}
		_ = f.Close()
	}
	return false, ok
}
