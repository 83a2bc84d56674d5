package netcore

import (
	"net"
	"time"
)

// Source says which part of the app saw an event.
type Source uint8

const (
	FromServer Source = iota
	FromClient
	FromTap
)

func (s Source) String() string {
	switch s {
	case FromClient:
		return "client"
	case FromTap:
		return "tap"
	}
	return "server"
}

// Kind is what happened.
type Kind uint8

const (
	Listening Kind = iota
	Accepted       // server side: a connection was accepted
	Connected      // client side: a dial succeeded
	Recv
	Sent
	Closed
	Refused // a dial was refused, or the server turned a connection away
	Error
	Note
	StepChanged // the app moved to another lesson step: Text is the lesson id, Step the step
)

var kindNames = [...]string{"listening", "accepted", "connected", "recv", "sent", "closed", "refused", "error", "note", "step"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// CloseReason says who ended a connection and why.
type CloseReason uint8

const (
	NotClosed       CloseReason = iota
	ByPeer                      // the other side sent FIN (read returned EOF)
	BySelf                      // this side's program finished and closed
	ByIdle                      // no bytes arrived within the idle timeout
	ByReset                     // the other side reset the connection
	ByShutdown                  // the app is stopping
	ByLimit                     // a limit (connection count) turned it away
	ByError                     // any other error
	ByHeaderTimeout             // an HTTP request's header took too long to arrive
	ByAbort                     // this side reset the connection (RST) on purpose
)

var reasonNames = [...]string{"", "peer", "self", "idle", "reset", "shutdown", "limit", "error", "header-timeout", "abort"}

func (r CloseReason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "unknown"
}

// Event is one thing that happened on the wire. Data is a bounded copy of the
// bytes; Count is how many bytes there really were.
type Event struct {
	Time   time.Time
	Conn   uint64 // connection id, per source; 0 for listener events
	Source Source
	Kind   Kind
	Local  net.Addr
	Remote net.Addr
	Data   []byte
	// Head is the part of the bytes that lies in the first HeadBytes of
	// this direction of the connection, kept for the step checks whatever
	// the display keeps. Data and Head start at the same byte and share
	// one copy.
	Head  []byte
	Count int
	// Offset is where Data starts in this direction's stream of the connection.
	Offset int64
	Reason CloseReason
	// For Closed: how long the connection lived and its totals.
	Duration time.Duration
	In, Out  int64
	// Idle is the timeout that closed the connection, for ByIdle and
	// ByHeaderTimeout.
	Idle time.Duration
	// Err or Text carry a message for Error, Refused and Note events.
	Text string
	// Step is the step index (from 0) of a StepChanged event.
	Step int
}

// HeadBytes is how much of each direction of each connection the step
// checks see: a request line and headers fit.
const HeadBytes = 8 << 10

// Truncated reports whether the event counted more bytes than it kept.
func (e Event) Truncated() bool { return e.Count > len(e.Data) }

// ForDisplay is e as a pane keeps it: at most max bytes of Data, in a copy
// of their own when the copy they came in is larger, and no Head, so a
// kept row holds nothing more.
func (e Event) ForDisplay(max int) Event {
	longerHead := sharesCopy(&e) && len(e.Head) > len(e.Data)
	e.Head = nil
	if len(e.Data) > max || longerHead {
		e.Data = append([]byte(nil), e.Data[:max]...)
	}
	return e
}
