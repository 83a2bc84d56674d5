package session

import (
	"github.com/tubes-course/tubes/lessons/usage"
	"github.com/tubes-course/tubes/netcore"
)

// checkTarget validates tap's --target with the one address validator, and
// refuses the tap's own address listen (it would relay to itself). It
// returns the target in canonical form.
func checkTarget(target, listen string) (string, error) {
	t, err := netcore.ParseTarget(target)
	if err != nil {
		return "", usage.Bad("usage.target", err) // the error quotes the input escaped
	}
	if l, err := netcore.ParseListen(listen); err == nil && l.Port == t.Port && (t.IsLoopback() || l.IsWildcard() && netcore.IsWildcardHost(t.Host)) {
		return "", usage.Bad("usage.target.self", netcore.Quote(target))
	}
	return t.String(), nil
}
