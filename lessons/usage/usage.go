// Package usage marks bad usage: an error the person can fix by changing
// the command line. tubes exits 2 for these and 1 for every other error.
package usage

import "errors"

// Error is bad usage.
type Error struct{ Err error }

func (e Error) Error() string { return e.Err.Error() }
func (e Error) Unwrap() error { return e.Err }

// Wrap marks err as bad usage; nil stays nil.
func Wrap(err error) error {
	if err == nil {
		return nil
	}
	return Error{err}
}

// Is reports whether err is bad usage.
func Is(err error) bool {
	var e Error
	return errors.As(err, &e)
}
