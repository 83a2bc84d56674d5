//go:build unix

package netcore

import (
	"os"
	"syscall"
)

// openNonBlocking opens for reading with O_NONBLOCK, which makes opening a
// FIFO return at once instead of waiting for a writer. On a regular file
// the flag changes nothing.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}

// createNoFollow creates path for writing, mode 0600, only if nothing is
// there; a symlink at path is never followed.
func createNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
}

// openExistingNoFollow opens an existing file for writing without
// following a symlink and without blocking on a FIFO.
func openExistingNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}
