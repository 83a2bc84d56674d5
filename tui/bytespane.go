package tui

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// chunk is one read or write shown in the bytes pane, with its rendered
// lines cached for the last width and mode.
type chunk struct {
	ev    netcore.Event
	who   string // the student's name, escaped, when the room gave one
	width int
	mode  bytesMode
	named bool // the cached lines show who
	lines []string
}

// bytesMode is how the bytes pane draws a block; x cycles through them.
type bytesMode int

const (
	textMode bytesMode = iota
	hexMode
	parsedMode // HTTP requests and responses split into their parts, with offsets
	bytesModes
)

// chunkKeep bounds the bytes each block keeps for display.
const chunkKeep = 4 << 10

// bytesPane shows one block per read or write. offset scrolls up from the
// newest line.
type bytesPane struct {
	offset int
	mode   bytesMode
	addrs  bool // show addresses, not the students' names (a)
}

func (p *bytesPane) scroll(by int) { p.offset = max(0, p.offset+by) }

// view walks back from the newest block and renders only what fits. It
// reads the offset and never moves it: clamp does, from Update.
func (p bytesPane) view(st styles, t func(string) string, log *ring[*chunk], upTo uint64, w, h int, filter netip.Addr) []string {
	if log.visible(upTo) == 0 {
		return wrapDim(st, t("bytes.empty"), w)
	}
	out, _ := tail(p.rows(st, t, log, upTo, w, h, filter), h, p.offset)
	return out
}

// rows renders the newest blocks back to the first that fills the view
// scrolled up by offset.
func (p bytesPane) rows(st styles, t func(string) string, log *ring[*chunk], upTo uint64, w, h int, filter netip.Addr) []string {
	want := h + p.offset
	var rows []string
	for i := log.visible(upTo) - 1; i >= 0 && len(rows) < want; i-- {
		if c := log.at(i); shows(filter, c.ev) {
			rows = append(c.render(st, t, w, p.mode, !p.addrs), rows...)
		}
	}
	return rows
}

// clamp keeps the offset from scrolling past the oldest row.
func (p *bytesPane) clamp(st styles, t func(string) string, log *ring[*chunk], upTo uint64, w, h int, filter netip.Addr) {
	if p.offset == 0 {
		return
	}
	_, p.offset = tail(p.rows(st, t, log, upTo, w, h, filter), h, p.offset)
}

func (c *chunk) render(st styles, t func(string) string, w int, mode bytesMode, named bool) []string {
	if c.lines != nil && c.width == w && c.mode == mode && c.named == named {
		return c.lines
	}
	e := c.ev
	arrow, as := directionOf(e, st)
	dir := t("bytes.in")
	if arrow == "←" {
		dir = t("bytes.out")
	}
	conn := fmt.Sprintf("#%d", e.Conn)
	if named && c.who != "" {
		conn += " " + c.who
	}
	head := fmt.Sprintf("%s %s %s %d B @%d", e.Time.Format("15:04:05.000"), conn, as.Render(arrow+" "+dir), e.Count, e.Offset)
	lines := []string{fit(head, w)}
	switch {
	case mode == hexMode:
		lines = append(lines, hexLines(st, e.Data, e.Offset, w)...)
	case mode == parsedMode && e.Offset == 0 && arrow == "→":
		lines = append(lines, parsedLines(st, t, e.Data, w)...)
	case mode == parsedMode && arrow == "←" && bytes.HasPrefix(e.Data, []byte("HTTP/")):
		lines = append(lines, parsedResponseLines(st, t, e.Data, e.Count, w)...)
	default:
		lines = append(lines, textLines(st, e.Data, w)...)
	}
	if e.Truncated() {
		lines = append(lines, st.dim.Render(fmt.Sprintf("… %d %s", e.Count-len(e.Data), t("bytes.notcaptured"))))
	}
	c.lines, c.width, c.mode, c.named = lines, w, mode, named
	return lines
}

// lineBuilder joins plain and escaped runs into one styled line.
type lineBuilder struct {
	st      styles
	out     strings.Builder
	run     strings.Builder
	escaped bool
	width   int
}

func (b *lineBuilder) add(s string, escaped bool, w int) {
	if escaped != b.escaped {
		b.flush()
		b.escaped = escaped
	}
	b.run.WriteString(s)
	b.width += w
}

func (b *lineBuilder) flush() {
	if b.run.Len() == 0 {
		return
	}
	if b.escaped {
		b.out.WriteString(b.st.escaped.Render(b.run.String()))
	} else {
		b.out.WriteString(b.run.String())
	}
	b.run.Reset()
}

func (b *lineBuilder) take() string {
	b.flush()
	s := b.out.String()
	b.out.Reset()
	b.width = 0
	return s
}

// textLines draws bytes as escaped text: \r and \n visible and dim, a line
// break after each \n, wrapped at w cells, multi-byte characters whole.
func textLines(st styles, data []byte, w int) []string {
	var lines []string
	b := &lineBuilder{st: st}
	put := func(s string, escaped bool, sw int) {
		if b.width+sw > w && b.width > 0 {
			lines = append(lines, b.take())
		}
		b.add(s, escaped, sw)
	}
	netcore.EscapePieces(data, func(p netcore.Piece) {
		if p.Escaped {
			put(p.Text, true, len(p.Text))
			if p.Text == `\n` {
				lines = append(lines, b.take())
			}
			return
		}
		for _, r := range p.Text {
			s := string(r)
			put(s, false, runeWidth(r, s))
		}
	})
	if b.width > 0 || b.run.Len() > 0 || b.out.Len() > 0 {
		lines = append(lines, b.take())
	}
	return lines
}

func runeWidth(r rune, s string) int {
	if r < utf8.RuneSelf {
		return 1
	}
	return ansi.StringWidth(s)
}

// hexUnit is one byte, or the bytes of one multi-byte character.
type hexUnit struct {
	raw     []byte
	glyph   string // what the text column shows for the whole unit
	escaped bool
}

// hexLines draws bytes as rows of hex plus a text column. The bytes of one
// UTF-8 character stay on one row, joined by "-", and the character is
// shown once.
func hexLines(st styles, data []byte, offset int64, w int) []string {
	perRow := min(16, max(4, ((w-8)/4)/4*4))
	var units []hexUnit
	pos := 0
	netcore.EscapePieces(data, func(p netcore.Piece) {
		raw := data[pos : pos+p.Raw]
		pos += p.Raw
		if p.Escaped {
			glyph := strings.Repeat("·", p.Raw)
			if p.Text == `\\` {
				glyph = `\`
			}
			units = append(units, hexUnit{raw: raw, glyph: glyph, escaped: p.Text != `\\`})
			return
		}
		for i := 0; i < len(raw); {
			r, size := utf8.DecodeRune(raw[i:])
			g := string(r)
			if size > 1 && ansi.StringWidth(g) == 0 {
				g = "·" // a lone combining mark would merge with its neighbour
			}
			units = append(units, hexUnit{raw: raw[i : i+size], glyph: g})
			i += size
		}
	})
	var lines []string
	var row []hexUnit
	used, rowStart := 0, 0
	digits := max(4, len(fmt.Sprintf("%x", offset+int64(len(data)))))
	emit := func() {
		lines = append(lines, hexRow(st, row, perRow, fmt.Sprintf("%0*x", digits, offset+int64(rowStart))))
		row = row[:0]
		rowStart += used
		used = 0
	}
	for _, u := range units {
		if used+len(u.raw) > perRow {
			emit()
		}
		row = append(row, u)
		used += len(u.raw)
	}
	if used > 0 {
		emit()
	}
	return lines
}

// hexRow draws one row: offset, the bytes, then the characters side by
// side, as text would show them. Spaces that end the row would be
// invisible there, so they are drawn as a dim ␠.
func hexRow(st styles, row []hexUnit, perRow int, offset string) string {
	trailing := len(row)
	for trailing > 0 && string(row[trailing-1].raw) == " " {
		trailing--
	}
	var hexCol, textCol strings.Builder
	used := 0
	for i, u := range row {
		parts := make([]string, len(u.raw))
		for j, c := range u.raw {
			parts[j] = fmt.Sprintf("%02x", c)
		}
		hx := strings.Join(parts, "-") + " "
		switch {
		case i >= trailing:
			hexCol.WriteString(hx)
			textCol.WriteString(st.escaped.Render("␠"))
		case len(u.raw) > 1 && !u.escaped:
			hexCol.WriteString(st.hexGroup.Render(hx))
			textCol.WriteString(st.hexGroup.Render(u.glyph))
		case u.escaped:
			hexCol.WriteString(st.escaped.Render(hx))
			textCol.WriteString(st.escaped.Render(u.glyph))
		default:
			hexCol.WriteString(hx)
			textCol.WriteString(u.glyph)
		}
		used += len(u.raw)
	}
	pad := strings.Repeat(" ", (perRow-used)*3)
	return st.dim.Render(offset) + "  " + hexCol.String() + pad + " " + textCol.String()
}

// sayPhrase says p with the interface strings behind t: the parser's
// reasons are in the learner's language like the rest of the screen.
func sayPhrase(t func(string) string, p netcore.Phrase) string {
	words := map[string]string{}
	for _, k := range p.Keys() {
		if s := t(k); s != k {
			words[k] = s
		}
	}
	return p.Say(words)
}

// parsedLines shows a request split by the parser: each part headed with
// its byte offsets, then its bytes. What does not parse is said plainly,
// with the bytes as text.
func parsedLines(st styles, t func(string) string, data []byte, w int) []string {
	req, n, err := httpwire.ParseRequest(data, httpwire.Limits{})
	if err != nil {
		why := t("parsed.incomplete")
		var pe *httpwire.ParseError
		if errors.As(err, &pe) {
			why = fmt.Sprintf("%s %d: %s", t("parsed.rejected"), pe.Status, sayPhrase(t, pe.Reason))
		}
		return append([]string{st.errorText.Render(why)}, textLines(st, data, w)...)
	}
	var lines []string
	for _, part := range req.Parts {
		label := fmt.Sprintf("@%d–%d %s (%d B)", part.Start, part.End, t("parsed."+strings.ReplaceAll(part.Kind.String(), " ", "")), part.End-part.Start)
		lines = append(lines, st.hexGroup.Render(label))
		for _, l := range textLines(st, data[part.Start:part.End], w-2) {
			lines = append(lines, "  "+l)
		}
	}
	if n < len(data) {
		lines = append(lines, st.dim.Render(fmt.Sprintf("@%d– %s", n, t("parsed.more"))))
		lines = append(lines, textLines(st, data[n:], w)...)
	}
	return lines
}

// parsedResponseLines shows a response by its parts: status line, header
// lines, blank line, then the body with what Content-Length declares next
// to what this write carries (count is its full size, kept or not).
func parsedResponseLines(st styles, t func(string) string, data []byte, count, w int) []string {
	r := httpwire.AnalyzeResponse(data, false)
	var lines []string
	part := func(label string, from, to int) {
		lines = append(lines, st.hexGroup.Render(fmt.Sprintf("@%d–%d %s (%d B)", from, to, label, to-from)))
		for _, l := range textLines(st, data[from:to], w-2) {
			lines = append(lines, "  "+l)
		}
	}
	end := 0
	for _, p := range r.Parts {
		part(t("parsed."+strings.ReplaceAll(p.Kind.String(), " ", "")), p.Start, p.End)
		end = p.End
	}
	if r.HeaderEnd < 0 {
		lines = append(lines, st.errorText.Render(t("parsed.resp.noend")))
		return append(lines, textLines(st, data[end:], w)...)
	}
	got := count - r.HeaderEnd // body bytes in this write
	bodyEnd := len(data)
	var note string
	switch {
	case r.Chunked:
		note = st.dim.Render(t("parsed.resp.chunked"))
	case r.Length >= 0:
		bodyEnd = min(len(data), r.HeaderEnd+r.Length)
		note = fmt.Sprintf(t("parsed.resp.length"), r.Length, got) + " "
		switch {
		case got == r.Length:
			note = st.done.Render(note + t("parsed.resp.match"))
		case got < r.Length:
			note = st.errorText.Render(note + fmt.Sprintf(t("parsed.resp.short"), r.Length-got))
		default:
			note = st.errorText.Render(note + fmt.Sprintf(t("parsed.resp.over"), got-r.Length))
		}
	default:
		note = st.dim.Render(t("parsed.resp.nolength"))
	}
	part(t("parsed.body"), r.HeaderEnd, bodyEnd)
	lines = append(lines, strings.Split(ansi.Wordwrap(note, w, ""), "\n")...)
	if bodyEnd < len(data) {
		lines = append(lines, st.dim.Render(fmt.Sprintf("@%d– %s", bodyEnd, t("parsed.resp.after"))))
		lines = append(lines, textLines(st, data[bodyEnd:], w)...)
	}
	return lines
}
