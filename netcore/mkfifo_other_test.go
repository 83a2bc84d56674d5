//go:build !unix

package netcore

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs on this system") }
