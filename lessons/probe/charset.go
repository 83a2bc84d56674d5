package probe

import (
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/httpwire"
)

// What a body's type says is a SHOULD (RFC 9110 §8.3): a missing
// Content-Type or charset is a WARN, never a FAIL, and nothing is asked
// of an empty body.

// cp1252High is windows-1252 from 0x80 to 0x9f, what a browser that
// guesses that encoding shows for those bytes (0 where it has none; the
// browser shows the C1 control, which the report escapes).
var cp1252High = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8d, 'Ž', 0x8f,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9d, 'ž', 'Ÿ',
}

// asWindows1252 is b read as windows-1252, byte by byte.
func asWindows1252(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c >= 0x80 && c < 0xa0:
			sb.WriteRune(cp1252High[c-0x80])
		default:
			sb.WriteRune(rune(c)) // ASCII and Latin-1 agree with it
		}
	}
	return sb.String()
}

// firstWide is the first run of up to two non-ASCII characters in a
// UTF-8 body, as bytes ("" when it is all ASCII or not UTF-8).
func firstWide(body []byte) []byte {
	if !utf8.Valid(body) {
		return nil
	}
	for i := 0; i < len(body); i++ {
		if body[i] < 0x80 {
			continue
		}
		j, n := i, 0
		for j < len(body) && body[j] >= 0x80 && n < 2 {
			_, size := utf8.DecodeRune(body[j:])
			j += size
			n++
		}
		return body[i:j]
	}
	return nil
}

// typeWarning gives a response's body type its verdict on res: a pass
// when the body is empty or named, a WARN when the type or a needed
// charset is missing. It reports whether it warned.
func (p *prober) typeWarning(res *Result, r *httpwire.Response) bool {
	ct, ok := r.Get("Content-Type")
	if len(r.Body) == 0 && r.Length <= 0 {
		if !ok {
			res.Note = p.t("type.empty")
		}
		return false
	}
	if !ok {
		res.warn(Warned, "%s", p.t("type.missing"))
		return true
	}
	wide := firstWide(r.Body)
	media, params, err := mime.ParseMediaType(ct)
	if err != nil || len(wide) == 0 || params["charset"] != "" || !strings.HasPrefix(media, "text/") {
		return false
	}
	res.warn(Warned, p.t("type.charset"), netcore.Escape([]byte(ct)), netcore.Escape(wide), netcore.Escape([]byte(asWindows1252(wide))))
	return true
}

// quoteCT is a Content-Type for a note, escaped.
func quoteCT(v string) string { return fmt.Sprintf("Content-Type: %s", netcore.Escape([]byte(v))) }
