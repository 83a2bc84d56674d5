package netcore

// Note puts a line about this connection among the events, such as why
// the server refused a request; it is escaped wherever it is shown.
func (c *Conn) Note(text string) {
	e := c.base(Note)
	e.Text = text
	c.sink.Push(e)
}
