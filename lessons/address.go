package lessons

import (
	"net"
	"strconv"
)

// Address is where learners reach the server: the host they type and the
// port it really listens on.
type Address struct {
	Host string
	Port int
	// Reach is the sentence that says who can connect to it (the UI
	// strings reach.local or reach.room), for {{reach}} in lesson text.
	Reach string
}

// HostPort is "localhost:3000"; a wildcard host becomes localhost, since
// that is what a client on this machine dials.
func (a Address) HostPort() string { return net.JoinHostPort(a.dialHost(), a.PortString()) }

func (a Address) PortString() string { return strconv.Itoa(a.Port) }

func (a Address) URL() string { return "http://" + a.HostPort() + "/" }

func (a Address) dialHost() string {
	switch a.Host {
	case "", "0.0.0.0", "::", "[::]":
		return "localhost"
	}
	return a.Host
}
