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
	get := p.answers(ctx, "GET / is answered with a chunked body", getReq("/"), 200, func(res *Result, r *httpwire.Response) {
		if !r.Chunked {
			res.fail(Wrong, r.HeaderEnd, "the response is not chunked: send Transfer-Encoding: chunked, then each piece as its size in hex, CRLF, the bytes, CRLF, and end with 0 CRLF CRLF")
			return
		}
		res.Note += fmt.Sprintf("; a chunked body of %d bytes", len(r.Body))
	})
	const want = "Hello, chunked world!"
	post := p.answers(ctx, "a chunked POST body is decoded", httpReq{raw: chunkedPost(p.opt.Target)}, 200, func(res *Result, r *httpwire.Response) {
		if !strings.Contains(string(r.Body), want) {
			res.fail(Wrong, r.HeaderEnd, "the answer does not hold the decoded body %q: read each chunk's size, then that many bytes, until the chunk of size 0, and join the pieces", want)
			return
		}
		res.Note += "; the three chunks came back as one body"
	})
	return []Result{get, post}
}
