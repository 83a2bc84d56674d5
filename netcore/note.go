package netcore

// Note reports a line of what the behavior decided on this connection (a
// file it served, a path it refused), as a Note event. The text is shown
// through Escape, like every other event text. Behaviors say their notes
// with Say; Note is for text that is already words.
func (c *Conn) Note(text string) {
	e := c.base(Note)
	e.Text = text
	c.sink.Push(e)
}

// Say reports p as a Note, said in the words the server (or client) was
// configured with, so the event carries the learner's language.
func (c *Conn) Say(p Phrase) { c.Note(p.Say(c.words)) }

// Words are the words this connection's server speaks (Config.Words), for
// what a behavior writes to the learner, like the body of a 400.
func (c *Conn) Words() map[string]string { return c.words }
