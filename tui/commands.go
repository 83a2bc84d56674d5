package tui

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Commands are never broken across lines. Before the Markdown is
// rendered, each code span and each line of a code block is swapped for a
// placeholder that the wrapper cannot break (private-use characters, one
// per cell, at most maxW cells); after rendering the text goes back in.
// A code longer than the pane then runs past its edge, where the line is
// cut with … and < > scroll it sideways.

const (
	placeFirst = 0xE000 // + the code's index: where a placeholder starts
	placeFill  = 0xE0FF // the rest of its cells
	placeMax   = placeFill - placeFirst
)

var placeholderRun = regexp.MustCompile("[\uE000-\uE0FE]\uE0FF*")

// commandTools are the first words of the codes a step asks the learner to
// type: these are what C copies.
var commandTools = map[string]bool{
	"curl": true, "nc": true, "printf": true, "echo": true, "for": true, "ulimit": true,
	"telnet": true, "openssl": true, "go": true, "node": true, "python3": true, "tubes": true, "ping": true,
}

func isCommand(code string) bool {
	f := strings.Fields(code)
	return len(f) > 0 && commandTools[f[0]]
}

func placeholder(id int, code string, maxW int) string {
	w := min(max(1, ansi.StringWidth(code)), max(1, maxW))
	return string(rune(placeFirst+id)) + strings.Repeat(string(rune(placeFill)), w-1)
}

// protectCode swaps codes for placeholders; codes[i] is placeholder i's
// text. Code block lines that start a command hold the whole block, so a
// copy takes all of it.
func protectCode(md string, maxW int) (string, []string, []bool) {
	var codes []string
	var block []int // the current code block's codes
	var cmd []bool
	add := func(code string) string {
		if len(codes) >= placeMax {
			return code
		}
		codes = append(codes, code)
		cmd = append(cmd, false)
		return placeholder(len(codes)-1, code, maxW)
	}
	lines := strings.Split(md, "\n")
	fenced := false
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			if fenced && len(block) > 0 {
				first := block[0]
				var all []string
				for _, id := range block {
					all = append(all, codes[id])
				}
				cmd[first] = isCommand(codes[first])
				codes[first] = strings.Join(all, "\n") // a copy takes the block
			}
			fenced, block = !fenced, nil
			continue
		}
		if fenced {
			if strings.TrimSpace(line) != "" && len(codes) < placeMax {
				block = append(block, len(codes))
				lines[i] = add(line)
			}
			continue
		}
		lines[i] = protectSpans(line, func(code string) string {
			p := add(code)
			if len(codes) > 0 && p != code {
				cmd[len(codes)-1] = isCommand(code)
			}
			return p
		})
	}
	return strings.Join(lines, "\n"), codes, cmd
}

// protectSpans swaps each `code` span of one line, keeping its backticks.
func protectSpans(line string, swap func(string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(line, '`')
		if i < 0 {
			break
		}
		n := i
		for n < len(line) && line[n] == '`' {
			n++
		}
		ticks := line[i:n]
		j := strings.Index(line[n:], ticks)
		if j < 0 {
			break
		}
		code := line[n : n+j]
		b.WriteString(line[:i] + ticks)
		if strings.TrimSpace(code) != "" {
			b.WriteString(swap(code))
		} else {
			b.WriteString(code)
		}
		b.WriteString(ticks)
		line = line[n+j+len(ticks):]
	}
	b.WriteString(line)
	return b.String()
}

// restoreCode puts the codes back in the rendered lines and returns, per
// line, the first command on it (-1: none).
func restoreCode(lines []string, codes []string, cmd []bool) []int {
	at := make([]int, len(lines))
	for i, line := range lines {
		at[i] = -1
		lines[i] = placeholderRun.ReplaceAllStringFunc(line, func(p string) string {
			id := int([]rune(p)[0]) - placeFirst
			if id < 0 || id >= len(codes) {
				return p
			}
			if cmd[id] && at[i] < 0 {
				at[i] = id
			}
			code := codes[id]
			if k := strings.IndexByte(code, '\n'); k >= 0 {
				code = code[:k] // a block's first line; its other lines have their own
			}
			return code
		})
	}
	return at
}

// sideways shows a line cut at w cells from cell from on: lines that fit
// are left alone; a cut one gets … at the end (fit) and, scrolled, at the
// start.
func sideways(line string, from, w int) string {
	if from <= 0 || ansi.StringWidth(line) <= w {
		return line
	}
	return "…" + ansi.Cut(line, from+1, from+w)
}
