package lessons

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"time"

	"github.com/tubes-course/tubes/netcore"
)

// TLSGet is `curl -k https://localhost:PORT/target` with the app's
// client: a TLS handshake over the instrumented connection (so the bytes
// pane shows the ciphertext), then the request and the response inside
// it. Like curl -k it does not check the certificate: the lesson's is
// self-signed, made when the server started.
func TLSGet(target string) Action {
	return Action{Label: "https", Run: func(ctx context.Context, env Env) (Note, error) {
		c, release, err := dial(ctx, env)
		if err != nil {
			return Note{}, err
		}
		defer release()
		c.SetIdle(10 * time.Second)
		tc := tls.Client(c.NetConn(), &tls.Config{
			ServerName:         "localhost",
			NextProtos:         []string{"h2", "http/1.1"},
			InsecureSkipVerify: true, // curl -k: the certificate is self-signed
		})
		if err := tc.HandshakeContext(ctx); err != nil {
			if rh, ok := errors.AsType[tls.RecordHeaderError](err); ok {
				// Not TLS at all, most often plain HTTP: show what came.
				err = &netcore.PhraseError{Reason: netcore.Phrase{Key: "action.err.nottls",
					Args: []any{netcore.Quote(string(rh.RecordHeader[:]))}}, Err: err}
			}
			return Note{}, ended(ctx, actionError("action.err.tls", err))
		}
		st := tc.ConnectionState()
		if _, err := tc.Write(requestBytes("GET", target, env.Addr.HostPort(), "", nil, true)); err != nil {
			return Note{}, ended(ctx, err)
		}
		if _, err := io.Copy(io.Discard, io.LimitReader(tc, 1<<20)); err != nil {
			return Note{}, ended(ctx, err)
		}
		return Note{"note.tls", []any{tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite)}}, nil
	}}
}
