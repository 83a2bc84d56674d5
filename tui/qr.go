package tui

import (
	"strings"

	"rsc.io/qr"
)

// qrLines draws text as a QR code with half-block characters: each row of
// cells holds two rows of modules, each module two columns wide, so the
// code comes out square and large enough to scan from a projected screen.
// Ink goes where the terminal's own background would be wrong: light
// modules on a dark terminal, dark ones on a light terminal, so phones
// read it right way round without any colour.
func qrLines(text string, darkTerminal bool) ([]string, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return nil, err
	}
	const quiet = 2 // modules of blank margin; scanners need one
	n := code.Size + 2*quiet
	ink := func(x, y int) bool {
		x, y = x-quiet, y-quiet
		dark := x >= 0 && y >= 0 && x < code.Size && y < code.Size && code.Black(x, y)
		return dark != darkTerminal
	}
	var lines []string
	for y := 0; y < n; y += 2 {
		var b strings.Builder
		for x := 0; x < n; x++ {
			// Past the last row is margin too: light, so ink on a dark terminal.
			top, bottom := ink(x, y), ink(x, y+1)
			switch {
			case top && bottom:
				b.WriteString("██")
			case top:
				b.WriteString("▀▀")
			case bottom:
				b.WriteString("▄▄")
			default:
				b.WriteString("  ")
			}
		}
		lines = append(lines, b.String())
	}
	return lines, nil
}
