package tui

import (
	"bytes"
	"net"
	"net/netip"
	"sort"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// peer is what the room knows of one remote address.
type peer struct {
	ip        netip.Addr
	host      string // ip, as shown
	conns     int    // accepted
	open      int    // accepted and not closed yet
	refused   int
	in, out   int64
	userAgent string // escaped, from the latest HTTP request seen
	last      time.Time
}

// maxPeers bounds the table; the least recently seen peer makes room.
const maxPeers = 512

// peerTable follows who connects to the server (or the tap). It is keyed
// by netip.Addr, which costs no allocation per event: note runs for every
// event of a flood.
type peerTable struct{ byHost map[netip.Addr]*peer }

// addrOf is the address part of a, without its port.
func addrOf(a net.Addr) netip.Addr {
	switch a := a.(type) {
	case nil:
		return netip.Addr{}
	case *net.TCPAddr:
		return a.AddrPort().Addr().Unmap()
	}
	ap, err := netip.ParseAddrPort(a.String()) // e.g. addresses read back from a recording
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

func (t *peerTable) note(e netcore.Event) {
	if e.Source == netcore.FromClient || e.Remote == nil {
		return
	}
	ip := addrOf(e.Remote)
	if t.byHost == nil {
		t.byHost = map[netip.Addr]*peer{}
	}
	p := t.byHost[ip]
	if p == nil {
		if len(t.byHost) >= maxPeers {
			t.evictOldest()
		}
		p = &peer{ip: ip, host: ip.String()}
		t.byHost[ip] = p
	}
	p.last = e.Time
	switch e.Kind {
	case netcore.Accepted:
		p.conns++
		p.open++
	case netcore.Closed:
		p.open = max(0, p.open-1)
	case netcore.Refused:
		p.refused++
	case netcore.Recv:
		p.in += int64(e.Count)
		if ua := userAgentIn(e.Head); ua != "" {
			p.userAgent = ua // the latest: a student may switch from curl to a browser
		}
	case netcore.Sent:
		p.out += int64(e.Count)
	}
}

func (t *peerTable) evictOldest() {
	var oldest *peer
	for _, p := range t.byHost {
		if oldest == nil || p.last.Before(oldest.last) {
			oldest = p
		}
	}
	delete(t.byHost, oldest.ip)
}

// sorted lists the peers in a stable order: by what label shows of them
// (a name, else the address), then by address. Traffic never reorders
// the rows under the presenter's cursor.
func (t *peerTable) sorted(label func(netip.Addr) string) []*peer {
	out := make([]*peer, 0, len(t.byHost))
	for _, p := range t.byHost {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		li, lj := label(out[i].ip), label(out[j].ip)
		if li != lj {
			return li < lj
		}
		return out[i].ip.Less(out[j].ip)
	})
	return out
}

// userAgentIn finds a User-Agent header in request bytes, escaped for the
// screen like every byte from the network.
func userAgentIn(data []byte) string {
	i := bytes.Index(bytes.ToLower(data), []byte("\nuser-agent:"))
	if i < 0 {
		return ""
	}
	v := data[i+len("\nuser-agent:"):]
	if end := bytes.IndexAny(v, "\r\n"); end >= 0 {
		v = v[:end]
	}
	return netcore.Escape(bytes.TrimSpace(v))
}

// shows reports whether an event belongs to the peer the panes are
// filtered to (the zero Addr shows everyone).
func shows(filter netip.Addr, e netcore.Event) bool {
	if !filter.IsValid() {
		return true
	}
	if e.Source == netcore.FromClient {
		return addrOf(e.Local) == filter
	}
	return addrOf(e.Remote) == filter
}
