//go:build !unix

package lessons_test

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs on this system") }
