//go:build !unix

package netcore

import "net"

// unread cannot peek here; CloseUnread then reports a plain close.
func unread(net.Conn) int { return 0 }
