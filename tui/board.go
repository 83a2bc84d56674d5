package tui

import (
	"net"
	"net/netip"
	"sort"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
)

// maxStudents bounds the board: a class, not a crowd.
const maxStudents = 512

// board follows, for the current step, which student did it: each
// student's address gets its own tracker of the step's goal, fed only that
// address's events. A demo step is the teacher's: the board says so.
type board struct {
	goal     lessons.Goal
	demo     bool
	students map[netip.Addr]*student
}

type student struct {
	tracker lessons.Tracker
	done    bool
}

func (b *board) reset(s lessons.Step) {
	b.goal, b.demo = s.Goal, s.Demo
	b.students = map[netip.Addr]*student{}
}

// join makes ip a student of this step (a name, or traffic of its own).
func (b *board) join(ip netip.Addr) *student {
	st := b.students[ip]
	if st == nil && len(b.students) < maxStudents && b.goal.NewTracker != nil {
		st = &student{tracker: b.goal.NewTracker()}
		b.students[ip] = st
	}
	return st
}

// feed hands a room event to its student's tracker. Events of the app's
// own client (its addresses are in mine) are the teacher's, not a student's.
func (b *board) feed(e netcore.Event, own *lessons.OwnClients, mine ownIPs) {
	if e.Source == netcore.FromClient || e.Remote == nil {
		return
	}
	ip := addrOf(e.Remote)
	if !ip.IsValid() || mine.has(ip) {
		return
	}
	if st := b.join(ip); st != nil && !st.done && !b.demo {
		st.done = st.tracker.Feed(e, own)
	}
}

// forget drops an address found to be the app's own client's.
func (b *board) forget(ip netip.Addr) { delete(b.students, ip) }

// count is how many students did the step, of how many.
func (b *board) count() (done, total int) {
	for _, st := range b.students {
		if st.done {
			done++
		}
	}
	return done, len(b.students)
}

// rows are the students sorted by what the screen shows of them.
func (b *board) rows(label func(netip.Addr) string) []netip.Addr {
	out := make([]netip.Addr, 0, len(b.students))
	for ip := range b.students {
		out = append(out, ip)
	}
	sort.Slice(out, func(i, j int) bool {
		li, lj := label(out[i]), label(out[j])
		if li != lj {
			return li < lj
		}
		return out[i].Less(out[j])
	})
	return out
}

// ownIPs are the addresses the app's own client connects from: the
// dial host's (known before the first event, so no race with the
// server's accept) and every one its connections reported.
type ownIPs map[netip.Addr]struct{}

func newOwnIPs(dial lessons.Address) ownIPs {
	o := ownIPs{}
	switch dial.Host {
	case "", "localhost", "0.0.0.0", "::", "[::]":
		o[netip.MustParseAddr("127.0.0.1")] = struct{}{}
		o[netip.IPv6Loopback()] = struct{}{}
	default:
		if ip, err := netip.ParseAddr(dial.Host); err == nil {
			o[ip.Unmap()] = struct{}{}
		}
	}
	return o
}

func (o ownIPs) has(ip netip.Addr) bool { _, ok := o[ip]; return ok }

// note learns the address of a connection of the app's client; it
// reports a new one.
func (o ownIPs) note(e netcore.Event) (netip.Addr, bool) {
	if e.Source != netcore.FromClient || e.Kind != netcore.Connected || len(o) >= 64 {
		return netip.Addr{}, false
	}
	ta, ok := e.Local.(*net.TCPAddr)
	if !ok {
		return netip.Addr{}, false
	}
	ip := ta.AddrPort().Addr().Unmap()
	if o.has(ip) {
		return ip, false
	}
	o[ip] = struct{}{}
	return ip, true
}

// countsForDemo says whether a demo step's check sees e: the app's own
// client's events and the server's events for its connections, nobody
// else's.
func countsForDemo(e netcore.Event, mine ownIPs) bool {
	if e.Source == netcore.FromClient || e.Remote == nil {
		return true
	}
	return mine.has(addrOf(e.Remote))
}
