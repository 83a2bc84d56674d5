package usage

import (
	"errors"
	"sync"

	"github.com/tubes-course/tubes/assets"
	"github.com/tubes-course/tubes/netcore"
)

// The command line's own words (command descriptions, flag help, bad
// usage and the one-line errors and notes of the commands without a
// screen) live in assets/lessons/<lang>/cli.txt, "key = text" lines like
// ui.txt with fmt verbs for the values. The help is built before the
// command line is parsed, so main chooses the language first, once, with
// SetLanguage; until then it is English.

var (
	wordsMu   sync.Mutex
	wordsLang = "en"
)

// SetLanguage makes lang the language of everything said from cli.txt.
func SetLanguage(lang string) {
	wordsMu.Lock()
	defer wordsMu.Unlock()
	wordsLang = lang
}

// Language is the language SetLanguage chose, "en" before it.
func Language() string {
	wordsMu.Lock()
	defer wordsMu.Unlock()
	return wordsLang
}

// Words is cli.txt (and server.txt) in lang, English for the keys lang
// lacks.
func Words(lang string) map[string]string {
	// server.txt: the words of the errors netcore builds (a file, a
	// recording, an address), said inside the command line's.
	return assets.Words(lang, "cli.txt", "server.txt")
}

// T is the text of key with its values, in the chosen language. A key
// cli.txt lacks shows as itself and its values (a test forbids that).
func T(key string, a ...any) string {
	return netcore.Phrase{Key: key, Args: a}.Say(Words(Language()))
}

// Bad is bad usage said from cli.txt. Names that came from the user go in
// through netcore.Quote; a system error's own text may follow our words.
func Bad(key string, a ...any) error { return Error{errors.New(T(key, a...))} }

// Fail is an error that is not bad usage, said from cli.txt.
func Fail(key string, a ...any) error { return errors.New(T(key, a...)) }
