//go:build !unix

package netcore

import "net"

// watchHangUp has no way to peek here: a held reply ends with its release
// or the server's shutdown.
func watchHangUp(net.Conn, chan struct{}, chan struct{}) {}
