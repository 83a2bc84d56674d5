package probe

import (
	"github.com/tubes-course/tubes/assets"
	"github.com/tubes-course/tubes/netcore"
)

// The words of `tubes check` (report, probe names, reasons, the spec) live
// in assets/lessons/<lang>/check.txt, "key = text" lines like ui.txt; a
// key a language lacks falls back to English.

// Words returns check's words in lang, English where lang has none.
func Words(lang string) map[string]string {
	// server.txt holds the words of netcore's phrases (a WebSocket frame
	// error, say) that a probe reports as the server's mistake.
	return assets.Words(lang, "check.txt", "server.txt")
}

// word is key's text in lang; a missing key shows as itself, which a test
// forbids.
func word(lang, key string) string {
	if s, ok := Words(lang)[key]; ok {
		return s
	}
	return key
}

// t is key's text in the check's language.
func (p *prober) t(key string) string { return word(p.opt.Lang, key) }

// say is a phrase from below the course (the response analyzer's
// findings) in the check's language.
func (p *prober) say(ph netcore.Phrase) string { return ph.Say(Words(p.opt.Lang)) }

// errText is err in the check's language when it carries a phrase (a
// WebSocket frame the server got wrong), else its own text.
func (p *prober) errText(err error) string { return netcore.SayError(err, Words(p.opt.Lang)) }
