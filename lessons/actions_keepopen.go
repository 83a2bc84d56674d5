package lessons

import (
	"context"
	"time"
)

// GetKeepOpen sends a GET for target that does not ask to close, as curl
// does, and reads until the server closes: a reply without a length has
// no other end. It says how long that took.
func GetKeepOpen(target string) Action {
	return Action{Label: "request", Run: func(ctx context.Context, env Env) (Note, error) {
		start := time.Now()
		if err := exchange(ctx, env, -1, requestBytes("GET", target, env.Addr.HostPort(), "", nil, false)); err != nil {
			return Note{}, err
		}
		return Note{"note.closedafter", []any{time.Since(start).Round(100 * time.Millisecond)}}, nil
	}}
}
