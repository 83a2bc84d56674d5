package netcore

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the one function that turns untrusted bytes into text that
// is safe to put on a terminal. Every place that shows network bytes goes
// through EscapePieces or Escape; nothing else decides what is printable.

// Piece is a run of escaped output. Escape marks pieces that stand for bytes
// which could not be shown as they are (\r, \n, \xNN, \u....), so a view can
// draw them dim while keeping the text readable.
type Piece struct {
	Text    string
	Escaped bool
	// Raw is how many input bytes the piece stands for.
	Raw int
}

// EscapePieces walks b and calls emit for each piece of printable output, in
// order. Plain pieces are whole runes or runs of printable ASCII; escaped
// pieces stand for exactly one byte or one rune.
func EscapePieces(b []byte, emit func(Piece)) {
	start := -1 // start of the pending run of plain text
	flush := func(end int) {
		if start >= 0 {
			emit(Piece{Text: string(b[start:end]), Raw: end - start})
			start = -1
		}
	}
	for i := 0; i < len(b); {
		c := b[i]
		if c >= 0x20 && c < 0x7f && c != '\\' {
			if start < 0 {
				start = i
			}
			i++
			continue
		}
		if c < utf8.RuneSelf {
			flush(i)
			emit(Piece{Text: escapeASCII(c), Escaped: true, Raw: 1})
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			flush(i)
			emit(Piece{Text: hexByte(c), Escaped: true, Raw: 1})
			i++
			continue
		}
		if !safeRune(r) {
			flush(i)
			emit(Piece{Text: escapeRune(r), Escaped: true, Raw: size})
			i += size
			continue
		}
		if start < 0 {
			start = i
		}
		i += size
	}
	flush(len(b))
}

// Escape returns b as one line of terminal-safe text. Unescape reverses it.
func Escape(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	EscapePieces(b, func(p Piece) { sb.WriteString(p.Text) })
	return sb.String()
}

// Quote is how a name from outside (a file name, an address, a flag value)
// appears in a message: escaped like bytes from the network, in double
// quotes so its ends are visible.
func Quote(s string) string {
	return `"` + Escape([]byte(s)) + `"`
}

// EscapeText makes a whole message safe for the terminal: it escapes what
// Escape escapes except the backslash, so the escapes already in a message
// (from Quote) stay as they are and EscapeText(EscapeText(s)) == EscapeText(s).
// A lone backslash does nothing to a terminal, so it may pass.
func EscapeText(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	EscapePieces([]byte(s), func(p Piece) {
		if p.Escaped && p.Text == `\\` {
			sb.WriteByte('\\')
			return
		}
		sb.WriteString(p.Text)
	})
	return sb.String()
}

// safeRune reports whether a non-ASCII rune may reach the terminal as is.
// unicode.IsPrint already rejects C1 controls (Cc), bidi and other format
// characters (Cf), line and paragraph separators, and unassigned code points.
// The rest must also have a width every terminal agrees on, or the panes'
// borders move: spacing marks (Mc), such as Devanagari's vowel signs, take
// a cell of their own in a terminal that draws rune by rune but none in
// one that clusters graphemes, so they are escaped too.
func safeRune(r rune) bool {
	return unicode.IsPrint(r) && !unicode.Is(unsteadyWidth, r) && !unicode.Is(unicode.Mc, r)
}

// unsteadyWidth holds the printable code points whose drawn width depends
// on the terminal and its font: whether it joins grapheme clusters, and
// how it draws what should be invisible. They are escaped, so that what is
// left on screen measures the same by grapheme clusters (as lipgloss
// does) and rune by rune (as a terminal without clustering draws).
var unsteadyWidth = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x00ad, Hi: 0x00ad, Stride: 1}, // soft hyphen
		{Lo: 0x034f, Hi: 0x034f, Stride: 1}, // combining grapheme joiner
		// Hangul fillers (U+115F, U+1160), and the vowel and final jamo
		// that join a leading one into a syllable only in some terminals
		{Lo: 0x115f, Hi: 0x11ff, Stride: 1},
		{Lo: 0x17b4, Hi: 0x17b5, Stride: 1}, // Khmer inherent vowels, invisible
		{Lo: 0x180b, Hi: 0x180f, Stride: 1}, // Mongolian variation selectors
		{Lo: 0x20e3, Hi: 0x20e3, Stride: 1}, // combining keycap: 1 or 2 cells with its base
		{Lo: 0x3164, Hi: 0x3164, Stride: 1}, // Hangul filler
		{Lo: 0xd7b0, Hi: 0xd7ff, Stride: 1}, // more vowel and final jamo
		{Lo: 0xfe00, Hi: 0xfe0f, Stride: 1}, // variation selectors: text or emoji width
		{Lo: 0xffa0, Hi: 0xffa0, Stride: 1}, // halfwidth Hangul filler
	},
	R32: []unicode.Range32{
		{Lo: 0x1bca0, Hi: 0x1bca3, Stride: 1}, // shorthand format controls
		{Lo: 0x1d173, Hi: 0x1d17a, Stride: 1}, // musical beam and slur controls
		{Lo: 0x1f1e6, Hi: 0x1f1ff, Stride: 1}, // regional indicators: a pair is a flag in some terminals
		{Lo: 0x1f3fb, Hi: 0x1f3ff, Stride: 1}, // skin-tone modifiers: join the emoji before them, or not
		{Lo: 0xe0000, Hi: 0xe0fff, Stride: 1}, // tags and more variation selectors
	},
}

func escapeASCII(c byte) string {
	switch c {
	case '\r':
		return `\r`
	case '\n':
		return `\n`
	case '\t':
		return `\t`
	case '\\':
		return `\\`
	}
	return hexByte(c)
}

const hexDigits = "0123456789abcdef"

func hexByte(c byte) string {
	return string([]byte{'\\', 'x', hexDigits[c>>4], hexDigits[c&0xf]})
}

func escapeRune(r rune) string {
	h := strconv.FormatInt(int64(r), 16)
	if r <= 0xffff {
		return `\u` + strings.Repeat("0", 4-len(h)) + h
	}
	return `\U` + strings.Repeat("0", 8-len(h)) + h
}

// Unescape turns Escape's output back into the original bytes. It exists so
// tests (and users reading a transcript) can prove nothing was lost.
func Unescape(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			out = append(out, s[i])
			i++
			continue
		}
		if i+1 >= len(s) {
			return nil, escapeError{i}
		}
		switch s[i+1] {
		case 'r':
			out = append(out, '\r')
			i += 2
		case 'n':
			out = append(out, '\n')
			i += 2
		case 't':
			out = append(out, '\t')
			i += 2
		case '\\':
			out = append(out, '\\')
			i += 2
		case 'x', 'u', 'U':
			digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[i+1]]
			if i+2+digits > len(s) {
				return nil, escapeError{i}
			}
			v, err := strconv.ParseUint(s[i+2:i+2+digits], 16, 32)
			if err != nil {
				return nil, escapeError{i}
			}
			if s[i+1] == 'x' {
				out = append(out, byte(v))
			} else {
				out = utf8.AppendRune(out, rune(v))
			}
			i += 2 + digits
		default:
			return nil, escapeError{i}
		}
	}
	return out, nil
}

type escapeError struct{ at int }

func (e escapeError) Error() string { return e.Phrase().Say(nil) }

// Phrase says where the escape is wrong, for a recording's line.
func (e escapeError) Phrase() Phrase { return Phrase{"srv.rec.escape", []any{e.at}} }
