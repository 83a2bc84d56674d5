package netcore

import (
	"net"
	"time"
)

// NoteState reports this connection's TCP state as the kernel keeps it
// (TIME_WAIT, CLOSE_WAIT, FIN_WAIT2…) as Note events "state NAME": one
// for each state it passes through, looking again every few milliseconds
// for up to wait, until the state is one of want (or, with want empty,
// after the first). The state outlives the socket: after Close the kernel
// may keep it in TIME_WAIT. Only Linux shows its sockets' states (in
// /proc/net/tcp and tcp6); elsewhere it notes nothing and reports false.
// It stops early when the server shuts the connection down.
func (c *Conn) NoteState(wait time.Duration, want ...string) bool {
	local, lok := c.raw.LocalAddr().(*net.TCPAddr)
	remote, rok := c.raw.RemoteAddr().(*net.TCPAddr)
	if !lok || !rok || !StatesVisible() {
		return false
	}
	deadline := time.Now().Add(wait)
	last := ""
	for {
		if st, ok := tcpState(local, remote); ok && st != last {
			last = st
			e := c.base(Note)
			e.Text = "state " + st
			c.sink.Push(e)
			if len(want) == 0 || contains(want, st) {
				return true
			}
		}
		if time.Now().After(deadline) {
			return last != ""
		}
		select {
		case <-c.aborted:
			return last != ""
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// tcpStateNames are the kernel's numbers for TCP states, as
// /proc/net/tcp writes them (include/net/tcp_states.h).
var tcpStateNames = map[uint64]string{
	0x01: "ESTABLISHED", 0x02: "SYN_SENT", 0x03: "SYN_RECV", 0x04: "FIN_WAIT1", 0x05: "FIN_WAIT2",
	0x06: "TIME_WAIT", 0x07: "CLOSE", 0x08: "CLOSE_WAIT", 0x09: "LAST_ACK", 0x0A: "LISTEN", 0x0B: "CLOSING",
}
