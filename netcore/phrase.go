package netcore

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"strings"
	"syscall"
)

// Phrase is words for a person held as a key and the values for its fmt
// verbs. The text behind each key lives in assets, in every language the
// course speaks, so code below the course holds no prose: whoever shows a
// Phrase says it with the learner's words. An argument that is itself a
// Phrase is said first, in the same words, and a []Phrase is said as a
// list joined by commas.
type Phrase struct {
	Key  string
	Args []any
}

// Say returns p as text from words, which maps a key to its format. A key
// words lacks shows as the key followed by its values, so a missing string
// is visible (tests forbid it) but nothing is lost.
func (p Phrase) Say(words map[string]string) string {
	if p.Key == "" {
		return ""
	}
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		switch v := a.(type) {
		case Phrase:
			args[i] = v.Say(words)
		case []Phrase:
			said := make([]string, len(v))
			for j, x := range v {
				said[j] = x.Say(words)
			}
			args[i] = strings.Join(said, ", ")
		case error:
			args[i] = SayError(v, words)
		default:
			args[i] = a
		}
	}
	format, ok := words[p.Key]
	if !ok {
		var b strings.Builder
		b.WriteString(p.Key)
		for _, a := range args {
			fmt.Fprintf(&b, " %v", a)
		}
		return b.String()
	}
	return fmt.Sprintf(format, args...)
}

// Keys lists p's key and the keys of the phrases among its arguments, for
// tests that every key has words.
func (p Phrase) Keys() []string {
	if p.Key == "" {
		return nil
	}
	keys := []string{p.Key}
	for _, a := range p.Args {
		switch v := a.(type) {
		case Phrase:
			keys = append(keys, v.Keys()...)
		case []Phrase:
			for _, x := range v {
				keys = append(keys, x.Keys()...)
			}
		case error:
			if pe, ok := errors.AsType[phrased](v); ok {
				keys = append(keys, pe.Phrase().Keys()...)
			}
		}
	}
	return keys
}

// PhraseError is an error that carries its words by key, for whoever shows
// it to say in the learner's language (SayError). It unwraps to Err, so
// errors.Is and errors.As see what it stands for (ErrNotRegular, a system
// error). Error is the phrase with no words, its key and values: one line
// for a log, never for the screen.
type PhraseError struct {
	Reason Phrase
	Err    error
}

func (e *PhraseError) Error() string  { return e.Reason.Say(nil) }
func (e *PhraseError) Unwrap() error  { return e.Err }
func (e *PhraseError) Phrase() Phrase { return e.Reason }

// phrased is an error that can be said in words: PhraseError, AddrError,
// DialError.
type phrased interface {
	error
	Phrase() Phrase
}

// SayError is err said in words: the phrase of the first error in its
// chain that has one, else err's own text. A Phrase argument that is an
// error is said this way.
func SayError(err error, words map[string]string) string {
	if err == nil {
		return ""
	}
	if pe, ok := errors.AsType[phrased](err); ok {
		return pe.Phrase().Say(words)
	}
	return err.Error()
}

// ReasonPhrase is why err happened, for words that name the file or
// address themselves: an error's own phrase when it has one, the common
// system errors in words of their own (keys srv.os.*), and any other with
// the system's text (without the path or address it names) in srv.os.other.
func ReasonPhrase(err error) Phrase {
	if pe, ok := errors.AsType[phrased](err); ok {
		return pe.Phrase()
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Phrase{Key: "srv.os.noent"}
	case errors.Is(err, fs.ErrPermission):
		return Phrase{Key: "srv.os.denied"}
	case errors.Is(err, fs.ErrExist):
		return Phrase{Key: "srv.os.exist"}
	case errors.Is(err, syscall.EISDIR):
		return Phrase{Key: "srv.os.isdir"}
	case errors.Is(err, syscall.ENOTDIR):
		return Phrase{Key: "srv.os.notdir"}
	case errors.Is(err, syscall.ENOSPC):
		return Phrase{Key: "srv.os.nospace"}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Phrase{Key: "srv.os.eof"}
	case errors.Is(err, syscall.ECONNRESET):
		return Phrase{Key: "srv.os.reset"}
	case errors.Is(err, syscall.EPIPE):
		return Phrase{Key: "srv.os.pipe"}
	case errors.Is(err, os.ErrDeadlineExceeded):
		return Phrase{Key: "srv.os.timeout"}
	}
	var pe *fs.PathError
	var oe *net.OpError
	var de *net.DNSError
	switch {
	case errors.As(err, &de):
		return Phrase{"srv.os.other", []any{de.Err}}
	case errors.As(err, &pe):
		return Phrase{"srv.os.other", []any{pe.Err.Error()}}
	case errors.As(err, &oe) && oe.Err != nil:
		return ReasonPhrase(oe.Err)
	}
	return Phrase{"srv.os.other", []any{err.Error()}}
}

// ReadWords adds the words of a words file to into: one "key = text" line
// each, # starts a comment line. A later file's key replaces an earlier
// one's, so reading English first and then a language leaves English only
// where that language has no words.
func ReadWords(into map[string]string, file []byte) {
	for _, line := range strings.Split(string(file), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if ok && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			into[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
}
