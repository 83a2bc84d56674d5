package netcore

import (
	"net"
	"time"
)

// NoteState reports this connection's TCP state as the kernel keeps it
// (TIME_WAIT, CLOSE_WAIT, FIN_WAIT2…) as a Note event "state NAME". It
// looks again every few milliseconds, for up to wait, until the state is
// one of want (any state when want is empty), and notes the last one
// seen. The state outlives the socket: after Close the kernel may keep
// it in TIME_WAIT. Only Linux shows its sockets' states (in
// /proc/net/tcp and tcp6); elsewhere it notes nothing and reports false.
func (c *Conn) NoteState(wait time.Duration, want ...string) bool {
	local, lok := c.raw.LocalAddr().(*net.TCPAddr)
	remote, rok := c.raw.RemoteAddr().(*net.TCPAddr)
	if !lok || !rok || !StatesVisible() {
		return false
	}
	deadline := time.Now().Add(wait)
	last := ""
	for {
		if st, ok := tcpState(local, remote); ok {
			last = st
			if len(want) == 0 || contains(want, st) {
				break
			}
		}
		if time.Now().After(deadline) {
			break
		}
		select {
		case <-c.aborted:
			return false
		case <-time.After(10 * time.Millisecond):
		}
	}
	if last == "" {
		return false
	}
	e := c.base(Note)
	e.Text = "state " + last
	c.sink.Push(e)
	return true
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
