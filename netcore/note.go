package netcore

// Note reports a line of what the behavior decided on this connection (a
// file it served, a path it refused), as a Note event. The text is shown
// through Escape, like every other event text.
func (c *Conn) Note(text string) {
	e := c.base(Note)
	e.Text = text
	c.sink.Push(e)
}
