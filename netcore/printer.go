package netcore

import (
	"bufio"
	"fmt"
	"io"
)

// PrintTranscript drains inbox to w until stop is closed, one line per
// event, as plain transcript lines or JSON lines. Before it returns it
// prints whatever is still queued.
func PrintTranscript(w io.Writer, inbox *Inbox, asJSON bool, stop <-chan struct{}) error {
	bw := bufio.NewWriter(w)
	var folded uint64
	flush := func() error {
		for _, e := range inbox.Drain() {
			if asJSON {
				fmt.Fprintln(bw, JSONLine(e))
			} else {
				fmt.Fprintln(bw, TranscriptLine(e))
			}
		}
		if f := inbox.Folded(); f != folded {
			if asJSON {
				fmt.Fprintf(bw, "{\"kind\":\"folded\",\"events\":%d}\n", f)
			} else {
				fmt.Fprintf(bw, "… %d events folded (totals stay exact)\n", f)
			}
			folded = f
		}
		return bw.Flush()
	}
	for {
		select {
		case <-inbox.Wake():
			if err := flush(); err != nil {
				return err
			}
		case <-stop:
			return flush()
		}
	}
}
