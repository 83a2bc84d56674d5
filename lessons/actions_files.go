package lessons

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/tubes-course/tubes/netcore/behaviors"
)

// filesModified is the files' Last-Modified, as the files lesson's step 4
// sends it back in If-Modified-Since.
var filesModified = behaviors.FilesModified.Format(http.TimeFormat)

// GetWith sends a GET for target with extra header lines ("Name: value")
// and reads the response to the end.
func GetWith(target string, headers ...string) Action { return RequestWith("GET", target, headers...) }

// RequestWith sends a body-less request with extra header lines and reads
// the response to the end.
func RequestWith(method, target string, headers ...string) Action {
	return Action{Label: "request", Run: func(ctx context.Context, env Env) (Note, error) {
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, env.Addr.HostPort())
		for _, h := range headers {
			b.WriteString(h + "\r\n")
		}
		b.WriteString("Connection: close\r\n\r\n")
		return Note{}, exchange(ctx, env, -1, []byte(b.String()))
	}}
}
