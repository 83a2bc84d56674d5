package netcore

// CloseUnread closes the connection the way a program that stops reading
// does. If bytes the peer sent still sit unread in the socket, the kernel
// answers the close with a reset (RST) instead of a FIN, and may destroy
// what this side wrote before the peer read it; the close event then says
// abort, which is what the peer sees.
func (c *Conn) CloseUnread() error {
	if unread(c.raw) > 0 {
		c.setReason(ByAbort)
	}
	return c.Close()
}
