package plain

import (
	"bufio"
	"io"
	"strings"

	"github.com/tubes-course/tubes/netcore"
)

type outcome int

const (
	keepGoing outcome = iota
	quit
)

// command does what one input line asks: an empty line is the step's
// action, then n, p, h, m TEXT, run COMMAND (the Your-turn step) and q.
func (r *runner) command(line string) outcome {
	cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	switch cmd {
	case "":
		r.act("")
	case "n":
		r.goTo(r.lesson, r.step+1)
	case "p":
		r.goTo(r.lesson, r.step-1)
	case "h":
		r.hint()
	case "m":
		switch arg = strings.TrimSpace(arg); {
		case !r.currentStep().Action.TakesMessage:
			r.line(r.t("plain.nomessage"))
		case arg == "":
			r.line(r.t("plain.needtext"))
		default:
			r.act(arg)
		}
	case "run":
		r.run(arg)
	case "q":
		return quit
	default:
		// What the learner typed is shown back only escaped.
		r.line(r.t("plain.unknown") + " " + netcore.Escape([]byte(cmd)))
	}
	return keepGoing
}

// maxLine bounds one input line; the rest of a longer line is dropped.
const maxLine = 4096

// readLines sends each line of in (without its line ending) until the
// input ends or stop closes, then closes lines.
func readLines(in io.Reader, lines chan<- string, stop <-chan struct{}) {
	defer close(lines)
	br := bufio.NewReader(in)
	var cur []byte
	for {
		piece, more, err := br.ReadLine()
		if len(cur) < maxLine {
			cur = append(cur, piece[:min(len(piece), maxLine-len(cur))]...)
		}
		if err != nil {
			if len(cur) > 0 {
				send(lines, string(cur), stop)
			}
			return
		}
		if more {
			continue
		}
		if !send(lines, string(cur), stop) {
			return
		}
		cur = cur[:0]
	}
}

func send(lines chan<- string, s string, stop <-chan struct{}) bool {
	select {
	case lines <- s:
		return true
	case <-stop:
		return false
	}
}
