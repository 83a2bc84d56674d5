//go:build !unix

package netcore

import "os"

// Without unix open flags, the checks around these calls (stat before,
// fstat after) are what keeps special files out.
func openNonBlocking(path string) (*os.File, error) { return os.Open(path) }

func createNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

func openExistingNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY, 0)
}
