package netcore

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// HostPort is an address as a person types it: a host (a name, an IP, or
// empty for every interface) and a port. ParseTarget and ParseListen are
// the one place such text is checked, for flags and prompts alike.
type HostPort struct {
	Host string // without brackets: "::1", not "[::1]"
	Port int
}

// String is HOST:PORT, with brackets around an IPv6 host.
func (a HostPort) String() string { return net.JoinHostPort(a.Host, strconv.Itoa(a.Port)) }

// AddrError says why a typed address was refused, in words by key
// (srv.addr.*). Said, it is one line and shows the input only through
// Escape, whatever bytes it held.
type AddrError struct {
	Input string
	Why   Phrase
}

func (e *AddrError) Error() string { return e.Phrase().Say(nil) }

// Phrase is the input, escaped and cut short, and why it was refused.
func (e *AddrError) Phrase() Phrase { return Phrase{"srv.addr.bad", []any{e.shown(), e.Why}} }

func (e *AddrError) shown() string {
	shown := Escape([]byte(e.Input))
	if len(shown) > maxShown {
		cut := maxShown
		for cut > 0 && !utf8.RuneStart(shown[cut]) {
			cut--
		}
		shown = shown[:cut] + "…"
	}
	return shown
}

func addrError(s, key string, args ...any) error { return &AddrError{s, Phrase{key, args}} }

// maxAddrLen is more than any host name (253) plus a port needs; maxShown
// keeps the error one short line.
const (
	maxAddrLen = 270
	maxShown   = 80
)

// ParseTarget checks an address to connect to: a host is required and the
// port is 1 to 65535.
func ParseTarget(s string) (HostPort, error) {
	a, err := parseHostPort(s, 1)
	if err != nil {
		return HostPort{}, err
	}
	if a.Host == "" || IsWildcardHost(a.Host) {
		return HostPort{}, addrError(s, "srv.addr.nohost", a.Port)
	}
	return a, nil
}

// ParseListen checks an address to listen on: an empty host means every
// interface, and port 0 means any free port.
func ParseListen(s string) (HostPort, error) { return parseHostPort(s, 0) }

func parseHostPort(s string, minPort int) (HostPort, error) {
	if len(s) > maxAddrLen {
		return HostPort{}, addrError(s, "srv.addr.long")
	}
	// Control bytes, bidi and other format characters, invalid UTF-8 and
	// backslashes are exactly what Escape would change.
	if Escape([]byte(s)) != s {
		return HostPort{}, addrError(s, "srv.addr.chars")
	}
	if strings.ContainsAny(s, " ") {
		return HostPort{}, addrError(s, "srv.addr.space")
	}
	if strings.Contains(s, "://") || strings.Contains(s, "/") {
		return HostPort{}, addrError(s, "srv.addr.scheme")
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return HostPort{}, addrError(s, "srv.addr.form")
	}
	if strings.ContainsAny(host, "[]") {
		return HostPort{}, addrError(s, "srv.addr.brackets")
	}
	if strings.Contains(host, ":") {
		if _, err := netip.ParseAddr(host); err != nil {
			return HostPort{}, addrError(s, "srv.addr.ipv6")
		}
	}
	n, ok := parsePort(port)
	if !ok || n < minPort {
		return HostPort{}, addrError(s, "srv.addr.port", minPort)
	}
	return HostPort{Host: host, Port: n}, nil
}

// parsePort accepts only decimal digits: no sign, no service names.
func parsePort(p string) (int, bool) {
	if p == "" || len(p) > 5 {
		return 0, false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(p)
	return n, err == nil && n <= 65535
}

// IsLoopbackHost reports whether host names this machine's loopback:
// localhost, 127.0.0.0/8 or ::1 (IPv4-mapped forms included).
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// IsWildcardHost reports whether host means every interface: empty,
// 0.0.0.0 or ::.
func IsWildcardHost(host string) bool {
	if host == "" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsUnspecified()
}

// IsLoopback and IsWildcard test the address's host.
func (a HostPort) IsLoopback() bool { return IsLoopbackHost(a.Host) }
func (a HostPort) IsWildcard() bool { return IsWildcardHost(a.Host) }

// Reaches reports whether a connection to target would arrive at this
// server's own listeners: the same port, and a host that is loopback,
// the wildcard, or an address of one of this machine's interfaces that a
// listener covers. Host names other than localhost are not looked up.
func (s *Server) Reaches(target HostPort) bool { return s.shared.reaches(target) }

func (sh *shared) reaches(target HostPort) bool {
	port := uint16(target.Port)
	if IsLoopbackHost(target.Host) && !isIP(target.Host) {
		// localhost: a client tries both loopbacks.
		return sh.listensOn(netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port)) ||
			sh.listensOn(netip.AddrPortFrom(netip.IPv6Loopback(), port))
	}
	ip, err := netip.ParseAddr(target.Host)
	if err != nil {
		return false
	}
	return sh.listensOn(netip.AddrPortFrom(ip, port))
}

// listensOn reports whether a connection to ap lands on one of the
// server's listeners: one bound to that very address, or a wildcard one
// and an address of this machine.
func (sh *shared) listensOn(ap netip.AddrPort) bool {
	ip := ap.Addr().Unmap()
	for _, l := range sh.listeners {
		if l.Port() != ap.Port() {
			continue
		}
		lip := l.Addr().Unmap()
		if lip == ip || lip.IsUnspecified() && (ip.IsLoopback() || ip.IsUnspecified() || isLocalIP(ip)) {
			return true
		}
	}
	return false
}

func isIP(host string) bool { _, err := netip.ParseAddr(host); return err == nil }

// isLocalIP reports whether ip belongs to one of this machine's interfaces.
func isLocalIP(ip netip.Addr) bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if pn, ok := a.(*net.IPNet); ok {
			if la, ok := netip.AddrFromSlice(pn.IP); ok && la.Unmap() == ip {
				return true
			}
		}
	}
	return false
}
