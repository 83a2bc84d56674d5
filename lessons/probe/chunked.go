package probe

import (
	"context"
	"fmt"
	"strings"

	"github.com/tubes-course/tubes/netcore/httpwire"
)

// The probes of the chunked lesson.

// chunkedPost is a POST whose body comes in three chunks.
func chunkedPost(host string) []byte {
	return []byte("POST /upload HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"5\r\nHello\r\n9\r\n, chunked\r\n7;ext=1\r\n world!\r\n0\r\n\r\n")
}

// Chunked: a GET is answered with a chunked body; a chunked POST body is
// decoded.
var Chunked Set = func(ctx context.Context, p *prober) []Result {
	get := p.answers(ctx, "chunked-get", getReq("/"), 200, func(res *Result, r *httpwire.Response) {
		if !r.Chunked {
			res.fail(Wrong, r.HeaderEnd, "%s", p.t("chunked.notchunked"))
			return
		}
		res.Note += "; " + fmt.Sprintf(p.t("chunked.body"), len(r.Body))
	})
	const want = "Hello, chunked world!"
	post := p.answers(ctx, "chunked-post", httpReq{raw: chunkedPost(p.opt.Target)}, 200, func(res *Result, r *httpwire.Response) {
		if !strings.Contains(string(r.Body), want) {
			res.fail(Wrong, r.HeaderEnd, p.t("chunked.notdecoded"), want)
			return
		}
		res.Note += "; " + p.t("chunked.decoded")
	})
	return []Result{get, post}
}
