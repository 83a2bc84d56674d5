package session

import (
	"net"
	"strconv"
)

// RoomURLs are the addresses others can open when the server listens on
// every interface: one per non-loopback address of this machine.
func (w *World) RoomURLs() []string {
	host, port := w.Server.Host(), w.Server.Port()
	if host != "" && host != "0.0.0.0" && host != "::" {
		return nil
	}
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
		url := "http://" + net.JoinHostPort(ipn.IP.String(), strconv.Itoa(port)) + "/"
		if ipn.IP.To4() != nil {
			v4 = append(v4, url)
		} else if host != "0.0.0.0" {
			v6 = append(v6, url)
		}
	}
	return append(v4, v6...)
}
