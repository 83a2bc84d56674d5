package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// The tls lesson's probes: a TLS handshake as curl -k makes it (the
// learner's certificate is self-signed, so it is not checked), then a
// GET / inside it. A probe's Sent and Received are the request and the
// response as they are before encryption and after decryption.

var TLS Set = probeTLS

func probeTLS(ctx context.Context, p *prober) []Result {
	cfg := &tls.Config{
		ServerName:         "localhost",
		NextProtos:         []string{"h2", "http/1.1"},
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, // curl -k: a lesson's certificate is self-signed
	}
	req := getReq("/").bytes(p)
	ex := &probeEx{command: "curl -vk https://localhost:" + p.port() + "/",
		sends: fmt.Sprintf(p.t("probe.tls-handshake.sends"), tls.VersionName(cfg.MinVersion), cfg.ServerName, strings.Join(cfg.NextProtos, ", "))}
	c, release := p.dial(ctx, ex)
	defer release()
	hs := ex.result("tls-handshake")
	get := ex.result("tls-get")
	get.sends = p.t("probe.tls-get.sends")
	if p.dry {
		get.Sent = req // what goes inside the tunnel
	}
	if c == nil {
		p.silent(&hs, ex, 0, p.t("what.hello"))
		get.notChecked(p.t("tls.skipped"))
		return []Result{hs, get}
	}
	raw := &firstBytes{Conn: c.NetConn()}
	c.SetIdle(p.opt.Reply)
	tc := tls.Client(raw, cfg)
	err := tc.HandshakeContext(ctx)
	ex.done = time.Now()
	if err != nil {
		ex.noteErr(err)
		hs = ex.result(hs.Name)
		hs.Received, hs.Total = raw.got, len(raw.got)
		p.handshakeFailure(&hs, ex, raw.got, err)
		get.notChecked(p.t("tls.skipped"))
		return []Result{hs, get}
	}
	st := tc.ConnectionState()
	hs = ex.result(hs.Name)
	hs.Note = fmt.Sprintf("%s, %s, ALPN %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite), orNone(st.NegotiatedProtocol))
	if st.NegotiatedProtocol == "h2" {
		hs.fail(Wrong, -1, "%s", p.t("tls.h2"))
	}

	ex.sent = append(ex.sent, req...)
	f := newHTTPFramer()
	if _, err := tc.Write(req); err != nil {
		ex.noteErr(err)
	} else {
		buf := make([]byte, 16<<10)
		for !f.complete() {
			left := time.Until(ex.deadline)
			if left <= 0 {
				ex.overdue = true
				break
			}
			c.SetIdle(min(p.opt.Reply, left))
			n, err := tc.Read(buf)
			if n > 0 {
				ex.received = append(ex.received, buf[:min(n, KeepBytes-len(ex.received))]...)
				ex.total += n
				f.feed(buf[:n])
			}
			if err != nil {
				ex.noteErr(err)
				break
			}
		}
	}
	ex.done = time.Now()
	ex.resp = ex.analyze(0, f)
	get = ex.result(get.Name)
	get.Command = "curl -vk https://localhost:" + p.port() + "/"
	if p.judge(&get, ex, 0, ex.resp, p.t("what.tlsget"), httpwire.FramingRules...) {
		return []Result{hs, get}
	}
	if p.wantStatus(&get, 0, ex.resp, 200, p.t("what.tlsget")) {
		get.Note = fmt.Sprintf(p.t("tls.decrypted"), ex.resp.Version, statusOf(ex.resp))
	}
	return []Result{hs, get}
}

// handshakeFailure says why the handshake failed, from what came back.
func (p *prober) handshakeFailure(res *Result, ex *probeEx, got []byte, err error) {
	var alert tls.AlertError
	switch {
	case bytes.HasPrefix(got, []byte("HTTP/")):
		res.fail(Wrong, 0, "%s", p.t("tls.plain"))
	case len(got) > 0 && got[0] != 0x15 && got[0] != 0x16:
		res.fail(Malformed, 0, "%s", p.t("tls.notrecord"))
	case errors.As(err, &alert):
		res.fail(Wrong, -1, p.t("tls.alert"), err)
	case ex.quiet && len(got) == 0:
		res.fail(TimedOut, -1, p.t("tls.quiet"), roundDur(p.opt.Reply))
	case ex.closed && len(got) == 0:
		res.fail(ClosedEarly, -1, "%s", p.t("tls.closed"))
	case ex.reset:
		res.fail(WasReset, -1, "%s", p.t("tls.reset"))
	default:
		res.fail(Malformed, -1, p.t("tls.failed"), netcore.Escape([]byte(err.Error())))
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// firstBytes keeps the first bytes the server sent, for the reason of a
// failed handshake.
type firstBytes struct {
	net.Conn
	got []byte
}

func (f *firstBytes) Read(p []byte) (int, error) {
	n, err := f.Conn.Read(p)
	if keep := min(n, 512-len(f.got)); keep > 0 {
		f.got = append(f.got, p[:keep]...)
	}
	return n, err
}
