package room

import (
	"net"
	"net/netip"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// MaxNameRunes is the longest name a visitor may give.
const MaxNameRunes = 32

// nameProblem says why a name was turned down; the value is the key of the
// reason in the interface strings ("" when the name is fine).
type nameProblem string

const (
	nameOK       nameProblem = ""
	nameEmpty    nameProblem = "room.name.empty"
	nameTooLong  nameProblem = "room.name.toolong"
	nameBadBytes nameProblem = "room.name.badbytes"
	nameControl  nameProblem = "room.name.control"
)

// checkName trims the spaces around a name and reports what is wrong with
// it. A name later appears on the teacher's screen, so anything that is not
// plainly printable (controls, bidi and other format characters, line
// separators, invalid UTF-8) is refused rather than repaired.
func checkName(raw string) (string, nameProblem) {
	if !utf8.ValidString(raw) {
		return "", nameBadBytes
	}
	name := strings.TrimSpace(raw)
	if name == "" {
		return "", nameEmpty
	}
	if utf8.RuneCountInString(name) > MaxNameRunes {
		return "", nameTooLong
	}
	for _, r := range name {
		if r != ' ' && !unicode.IsPrint(r) {
			return "", nameControl
		}
	}
	return name, nameOK
}

// nameBook is the names visitors gave, one per address, bounded in count.
type nameBook struct {
	mu    sync.Mutex
	max   int
	names map[netip.Addr]string
}

func newNameBook(max int) *nameBook {
	return &nameBook{max: max, names: map[netip.Addr]string{}}
}

// set stores name for ip; it reports false when the book is full and ip
// has no name yet.
func (b *nameBook) set(ip netip.Addr, name string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.names[ip]; !ok && len(b.names) >= b.max {
		return false
	}
	b.names[ip] = name
	return true
}

func (b *nameBook) get(ip netip.Addr) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.names[ip]
}

func (b *nameBook) all() map[netip.Addr]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[netip.Addr]string, len(b.names))
	for k, v := range b.names {
		out[k] = v
	}
	return out
}

// ipOf is the address part of a network address, in the one form used as a
// key: IPv4-mapped IPv6 unmapped, no zone. It is invalid when a has no IP.
func ipOf(a net.Addr) netip.Addr {
	switch t := a.(type) {
	case *net.TCPAddr:
		ip, _ := netip.AddrFromSlice(t.IP)
		return ip.Unmap().WithZone("")
	case nil:
		return netip.Addr{}
	}
	return ipOfString(a.String())
}

// ipOfString parses "host:port" (as in http.Request.RemoteAddr) or a bare IP.
func ipOfString(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	ip, _ := netip.ParseAddr(s)
	return ip.Unmap().WithZone("")
}
