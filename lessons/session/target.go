package session

import (
	"net"
	"strconv"

	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// checkTarget validates tap's --target: host:port, and not the tap's own
// address listen (which would relay to itself forever).
func checkTarget(target, listen string) error {
	host, port, err := net.SplitHostPort(target)
	if err != nil || host == "" {
		return usage.Errorf("bad --target %s: want HOST:PORT, e.g. localhost:8080", netcore.Quote(target))
	}
	if !netcore.PlainHost(host) {
		return usage.Errorf("bad --target %s: a host name has only letters, digits, dots and dashes", netcore.Quote(target))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return usage.Errorf("bad port in --target %s: want 1 to 65535", netcore.Quote(target))
	}
	if _, lp, _ := net.SplitHostPort(listen); lp == port && isLoopback(host) {
		return usage.Errorf("--target %s is the tap's own address; run your server on another port, or move the tap with --port", netcore.Quote(target))
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
