package session

import (
	"net"
	"strconv"
)

// RoomURLs are the addresses others in the room open: the room page's
// (or, with no room, the lesson server's) on each of this machine's
// network addresses when the server listens on every interface, or on
// its one address.
func (w *World) RoomURLs() []string {
	port := w.Server.Port()
	if w.Room != nil {
		port = w.Room.Port()
	}
	host := w.Server.Host()
	if host != "" && host != "0.0.0.0" && host != "::" {
		if w.Room == nil {
			return nil // loopback only: nobody else can come
		}
		return []string{"http://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/"}
	}
	var urls []string
	for _, ip := range w.lanIPs() {
		urls = append(urls, "http://"+net.JoinHostPort(ip, strconv.Itoa(port))+"/")
	}
	return urls
}

// lanIPs are this machine's addresses others can reach the server at:
// not loopback, not link-local; IPv4 first, and IPv6 only when the
// server listens on IPv6 too.
func (w *World) lanIPs() []string {
	host := w.Server.Host()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var v4, v6 []string
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() {
			continue
		}
		if ipn.IP.To4() != nil {
			v4 = append(v4, ipn.IP.String())
		} else if host != "0.0.0.0" {
			v6 = append(v6, ipn.IP.String())
		}
	}
	return append(v4, v6...)
}
