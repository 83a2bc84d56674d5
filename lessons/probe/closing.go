package probe

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/tubes-course/tubes/netcore"
)

// The probes of the closing lesson.

// Closing: the server answers after the client's end-of-file, and closes
// when the client does.
var Closing Set = func(ctx context.Context, p *prober) []Result {
	return []Result{p.answersAtEOF(ctx), p.closesAfterClient(ctx)}
}

// eofMessage is what the closing probe sends before its FIN.
var eofMessage = []byte("one\ntwo\nthree\n")

func (p *prober) answersAtEOF(ctx context.Context) Result {
	const name = "answers after the client's end-of-file, with the byte count"
	ex := &probeEx{command: p.ncCommand(eofMessage)}
	c, release := p.dial(ctx, ex)
	defer release()
	res := ex.result(name)
	if c == nil || !ex.send(c, eofMessage) {
		p.silent(&res, ex, 0, "the message")
		return res
	}
	// Nothing may come yet: the client has not said it is done.
	p.read(c, ex, p.opt.Pause, nil, 0)
	if len(ex.received) > 0 {
		res = ex.result(name)
		res.fail(Wrong, 0, "the server answered before the client's end-of-file; it should read until a read returns end-of-file (the client's FIN), then answer")
		return res
	}
	ex.quiet = false
	if err := c.CloseWrite(); err != nil {
		ex.noteErr(err)
	}
	p.read(c, ex, p.opt.Reply, nil, 0)
	res = ex.result(name)
	if p.silent(&res, ex, 0, "the message and its end-of-file") {
		return res
	}
	count := strconv.Itoa(len(eofMessage))
	switch {
	case ex.reset:
		res.fail(WasReset, len(ex.received), "the server answered, then reset the connection (RST) instead of closing it with a FIN")
	case !ex.closed:
		res.fail(TimedOut, len(ex.received), "the server answered but did not close its side within %s; after the answer, close the connection", roundDur(p.opt.Quiet))
	case !strings.Contains(string(ex.received), count):
		res.fail(Wrong, 0, "the answer %q does not say how many bytes came: the client sent %s bytes (3 lines)", netcore.Escape(ex.received), count)
	default:
		res.Note = fmt.Sprintf("after the client's FIN the server answered %q and closed", netcore.Escape(ex.received))
	}
	return res
}
