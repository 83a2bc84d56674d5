package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/tubes-course/tubes/netcore"
)

// The spec of a lesson's check, made from its probe set by a dry run:
// each probe says what it sends (its bytes and a shell command that
// sends them) and, from check.txt, what passes. Nothing is written twice.

// SpecTarget is the address the spec's requests name; a real check uses
// the learner's.
const SpecTarget = "localhost:8080"

// SpecItem is one probe of a lesson's check.
type SpecItem struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Sends string `json:"sends"` // the bytes, escaped (netcore.Escape); "" when there are none to show
	// SendsWords says what it sends where bytes alone do not (a TLS
	// handshake, frames under a new key, each file a page links); it
	// comes before Sends when there are both. Both "": it sends nothing.
	SendsWords string `json:"sends_words,omitempty"`
	Command    string `json:"command"` // a shell command that does the same
	Passes     string `json:"passes"`
}

// Spec is what set's probes send and what passes, in lang.
func Spec(set Set, lang string) []SpecItem {
	opt := Options{Target: SpecTarget, Lang: lang}.withDefaults()
	p := &prober{opt: opt, dry: true, client: netcore.NewClient(netcore.Discard{})}
	defer p.client.CloseAll()
	var out []SpecItem
	for _, r := range set(context.Background(), p) {
		p.name(&r)
		it := SpecItem{ID: r.ID, Name: r.Name, SendsWords: r.sends, Command: r.Command, Passes: word(lang, "probe."+r.ID+".pass")}
		if len(r.Sent) > 0 {
			it.Sends = netcore.Escape(r.Sent)
		}
		out = append(out, it)
	}
	return out
}

// WriteSpec writes set's spec for lesson as text, in lang: the form the
// "Your turn" step embeds ({{spec}}) and `tubes check --list` prints.
func WriteSpec(w io.Writer, lesson string, set Set, lang string) error {
	t := func(k string) string { return word(lang, k) }
	if _, err := fmt.Fprintf(w, t("spec.head")+"\n", lesson, SpecTarget); err != nil {
		return err
	}
	for i, it := range Spec(set, lang) {
		fmt.Fprintf(w, "\n%d. %s\n", i+1, it.Name)
		sends := t("spec.nothing")
		switch {
		case it.SendsWords != "" && it.Sends != "":
			sends = it.SendsWords + ` "` + it.Sends + `"`
		case it.SendsWords != "":
			sends = it.SendsWords
		case it.Sends != "":
			sends = `"` + it.Sends + `"`
		}
		fmt.Fprintln(w, "   "+t("spec.sends")+" "+sends)
		if it.Command != "" {
			fmt.Fprintln(w, "   "+t("label.try")+" "+it.Command)
		}
		if _, err := fmt.Fprintln(w, "   "+t("spec.passes")+" "+it.Passes); err != nil {
			return err
		}
	}
	return nil
}

func writeSpecJSON(w io.Writer, items []SpecItem) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if items == nil {
		items = []SpecItem{}
	}
	return enc.Encode(items)
}
