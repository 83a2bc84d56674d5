//go:build unix

package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pyChatty listens on $PORT, prints to its stdout what a learner's logging prints (a
// repr with its own backslashes) and hostile bytes (ESC, C1 controls raw
// and as UTF-8, a bidi override), then hangs up on every client.
const pyChatty = `import os, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(os.environ["PORT"]))); s.listen()
print(r"got b'Hello server! \xf0\x9f\x8e\x88\x0d\x0a'", flush=True)
sys.stdout.buffer.write(b"esc \x1b[2J c1 \xc2\x9b raw \x9b bidi \xe2\x80\xae end\n"); sys.stdout.flush()
sys.stdout.write("osc \x1b]0;pwned\x07 done\n"); sys.stdout.flush()
while True:
    c, _ = s.accept(); c.recv(4096); c.close()
`

// The server's own lines are shown as it printed them, escaped once: a
// backslash it printed stays one backslash (the learner's "\x0d" is not
// "\\x0d"), and hostile bytes are still escaped, in the text report and
// in the JSON.
func TestCheckRunShowsServerLinesEscapedOnce(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "server.py"), []byte(pyChatty), 0o600); err != nil {
		t.Fatal(err)
	}
	const repr = `got b'Hello server! \xf0\x9f\x8e\x88\x0d\x0a'`
	hostile := []string{`esc \x1b[2J c1 \u009b raw \x9b bidi \u202e end`, `osc \x1b]0;pwned\x07 done`}
	for _, asJSON := range []bool{false, true} {
		f := checkFlags("ping-pong")
		f.Run = "python3 " + filepath.Join(dir, "server.py")
		f.JSON = asJSON
		var out bytes.Buffer
		if err := Check(context.Background(), &out, f, &testCourse{}); err == nil {
			t.Fatalf("a server that hangs up passed:\n%s", out.String())
		}
		lines := out.String()
		if asJSON {
			var rep struct {
				Server *ServerInfo `json:"server"`
			}
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Server == nil {
				t.Fatalf("JSON %v:\n%s", err, out.String())
			}
			lines = strings.Join(rep.Server.Tail, "\n")
		}
		if !reportSafe(lines) {
			t.Errorf("json %v: raw bytes reach the report:\n%q", asJSON, lines)
		}
		for _, want := range append([]string{repr}, hostile...) {
			if !strings.Contains(lines, want) {
				t.Errorf("json %v: the server's lines lack %s:\n%s", asJSON, want, lines)
			}
		}
		if strings.Contains(lines, `\\x`) {
			t.Errorf("json %v: a backslash the server printed is doubled:\n%s", asJSON, lines)
		}
	}
}
