package assets

import (
	"io/fs"
	"sync"

	"github.com/tubes-course/tubes/netcore"
)

var (
	wordsMu    sync.Mutex
	wordsCache = map[string]map[string]string{}
)

// Words are the words of files ("ui.txt", "check.txt", …: "key = text"
// lines) in lang, English for every key lang lacks; read once per lang and
// files, then shared, so callers must not change the map.
func Words(lang string, files ...string) map[string]string {
	id := lang
	for _, f := range files {
		id += "\x00" + f
	}
	wordsMu.Lock()
	defer wordsMu.Unlock()
	if w, ok := wordsCache[id]; ok {
		return w
	}
	out := map[string]string{}
	langs := []string{"en"}
	if lang != "en" {
		langs = append(langs, lang)
	}
	for _, l := range langs {
		for _, file := range files {
			if raw, err := fs.ReadFile(Lessons, "lessons/"+l+"/"+file); err == nil {
				netcore.ReadWords(out, raw)
			}
		}
	}
	wordsCache[id] = out
	return out
}
