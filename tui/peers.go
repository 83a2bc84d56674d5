package tui

import (
	"bytes"
	"net"
	"sort"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// peer is what the room knows of one remote address.
type peer struct {
	host      string
	conns     int
	in, out   int64
	userAgent string // escaped, from the first HTTP request seen
	last      time.Time
}

// maxPeers bounds the table; the least recently seen peer makes room.
const maxPeers = 512

// peerTable follows who connects to the server (or the tap).
type peerTable struct{ byHost map[string]*peer }

func hostOf(a net.Addr) string {
	if a == nil {
		return ""
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}

func (t *peerTable) note(e netcore.Event) {
	if e.Source == netcore.FromClient || e.Remote == nil {
		return
	}
	host := hostOf(e.Remote)
	if t.byHost == nil {
		t.byHost = map[string]*peer{}
	}
	p := t.byHost[host]
	if p == nil {
		if len(t.byHost) >= maxPeers {
			t.evictOldest()
		}
		p = &peer{host: host}
		t.byHost[host] = p
	}
	p.last = e.Time
	switch e.Kind {
	case netcore.Accepted:
		p.conns++
	case netcore.Recv:
		p.in += int64(e.Count)
		if p.userAgent == "" {
			p.userAgent = userAgentIn(e.Data)
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
	delete(t.byHost, oldest.host)
}

// sorted lists the peers, most recently seen first.
func (t *peerTable) sorted() []*peer {
	out := make([]*peer, 0, len(t.byHost))
	for _, p := range t.byHost {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].last.Equal(out[j].last) {
			return out[i].last.After(out[j].last)
		}
		return out[i].host < out[j].host
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
// filtered to ("" shows everyone).
func shows(filter string, e netcore.Event) bool {
	if filter == "" {
		return true
	}
	if e.Source == netcore.FromClient {
		return hostOf(e.Local) == filter
	}
	return hostOf(e.Remote) == filter
}
