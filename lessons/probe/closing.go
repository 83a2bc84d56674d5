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
	const name = "eof-answer"
	ex := &probeEx{command: p.ncCommand(eofMessage), planned: eofMessage}
	c, release := p.dial(ctx, ex)
	defer release()
	res := ex.result(name)
	if c == nil || !ex.send(c, eofMessage) {
		p.silent(&res, ex, 0, p.t("what.message"))
		return res
	}
	// Nothing may come yet: the client has not said it is done.
	p.read(c, ex, p.opt.Pause, nil, 0)
	if len(ex.received) > 0 {
		res = ex.result(name)
		res.fail(Wrong, 0, "%s", p.t("eof.early"))
		return res
	}
	ex.quiet = false
	if err := c.CloseWrite(); err != nil {
		ex.noteErr(err)
	}
	p.read(c, ex, p.opt.Reply, nil, 0)
	res = ex.result(name)
	if p.silent(&res, ex, 0, p.t("what.messageeof")) {
		return res
	}
	count := strconv.Itoa(len(eofMessage))
	switch {
	case ex.reset:
		res.fail(WasReset, len(ex.received), "%s", p.t("eof.reset"))
	case !ex.closed:
		res.fail(TimedOut, len(ex.received), p.t("eof.notclosed"), roundDur(p.opt.Quiet))
	case !strings.Contains(string(ex.received), count):
		res.fail(Wrong, 0, p.t("eof.nocount"), netcore.Escape(ex.received), count)
	default:
		res.Note = fmt.Sprintf(p.t("eof.ok"), netcore.Escape(ex.received))
	}
	return res
}
