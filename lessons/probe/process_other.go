//go:build !unix

package probe

import "os/exec"

// On Windows the command runs through cmd /C, and Stop kills that
// process; children it started (node under npm) are not reached.
func shellCommand(command string) *exec.Cmd { return exec.Command("cmd", "/C", command) }

func ownGroup(*exec.Cmd) {}

func terminate(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
func killGroup(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
