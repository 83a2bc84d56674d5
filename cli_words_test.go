package main

import (
	"io/fs"
	"maps"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/tubes-course/tubes/assets"
)

// The command line speaks the course's languages: its help, its flags'
// help and its bad-usage errors come from assets/lessons/<lang>/cli.txt.
// These tests read cli.txt themselves and run the real binary.

// cliWords reads lang's own cli.txt: key → text, failing on a line that is
// not "key = text" or a key given twice.
func cliWords(t *testing.T, lang string) map[string]string {
	t.Helper()
	raw, err := fs.ReadFile(assets.Lessons, "lessons/"+lang+"/cli.txt")
	if err != nil {
		t.Fatalf("assets/lessons/%s/cli.txt: %v", lang, err)
	}
	out := map[string]string{}
	for i, line := range strings.Split(string(raw), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case !ok || k == "" || v == "":
			t.Errorf("%s/cli.txt line %d is not key = text: %q", lang, i+1, line)
		case out[k] != "":
			t.Errorf("%s/cli.txt line %d: %s a second time", lang, i+1, k)
		}
		out[k] = v
	}
	return out
}

var fmtVerb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// fillIns maps each value's position to the verb that shows it: what a
// translation must keep, whatever order its words put the values in.
func fillIns(text string) map[int]string {
	out := map[int]string{}
	next := 1
	for _, m := range fmtVerb.FindAllStringSubmatch(text, -1) {
		if m[2] == "%" {
			continue
		}
		n := next
		if m[1] != "" {
			n, _ = strconv.Atoi(m[1])
		}
		out[n] += m[2]
		next = n + 1
	}
	return out
}

// usedCLIKeys are the keys the Go code says through lessons/usage: the
// arguments of usage.T, Bad and Fail, main's command descriptions and
// argument errors, and the flag errors' keys in lessons/usage.
func usedCLIKeys(t *testing.T) map[string]bool {
	t.Helper()
	call := regexp.MustCompile(`usage\.(?:T|Bad|Fail)\(\s*"([^"]+)"`)
	literal := regexp.MustCompile(`"((?:cmd|usage|flag|help)\.[a-z0-9.-]+)"`)
	used := map[string]bool{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != "." {
			if err == nil {
				err = filepath.SkipDir
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
		if p == "main.go" || filepath.Dir(p) == filepath.Join("lessons", "usage") {
			for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
				used[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return used
}

// Both languages have exactly the same keys, each with the same fill-ins;
// every key the code says is there, and none is left that it does not.
func TestCLIWordsMatch(t *testing.T) {
	en, ko := cliWords(t, "en"), cliWords(t, "ko")
	if len(en) < 50 {
		t.Fatalf("en cli.txt has only %d keys", len(en))
	}
	for k, v := range en {
		kv, ok := ko[k]
		if !ok {
			t.Errorf("ko/cli.txt lacks %s", k)
			continue
		}
		if a, b := fillIns(v), fillIns(kv); !maps.Equal(a, b) {
			t.Errorf("%s: en fills %v, ko fills %v", k, a, b)
		}
		if !hasHangul(kv) {
			t.Errorf("ko %s is not Korean: %q", k, kv)
		}
	}
	for k := range ko {
		if _, ok := en[k]; !ok {
			t.Errorf("ko/cli.txt has %s, which en does not", k)
		}
	}
	used := usedCLIKeys(t)
	for k := range used {
		if _, ok := en[k]; !ok {
			t.Errorf("the code says %s, which cli.txt lacks", k)
		}
	}
	for k := range en {
		if !used[k] {
			t.Errorf("cli.txt has %s, which no code says", k)
		}
	}
	// fang capitalises the first word of a description, which would turn
	// a Latin word at the start of a Korean one into "Http" or "--Record".
	for k, v := range ko {
		if v == "" {
			continue // reported above as lacking
		}
		if first := strings.Fields(v)[0]; (strings.HasPrefix(k, "cmd.") || strings.HasPrefix(k, "flag.")) &&
			strings.ContainsFunc(first, func(r rune) bool { return unicode.IsLetter(r) && r < unicode.MaxLatin1 || r == '%' }) {
			t.Errorf("ko %s starts with %q, which fang would capitalise", k, first)
		}
	}
}

func hasHangul(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Hangul, r) })
}

// englishPhrases are pieces of the English words of cli.txt (the parts
// between fill-ins, of three words or more): none may show in Korean.
func englishPhrases(t *testing.T) []string {
	var out []string
	for _, v := range cliWords(t, "en") {
		for _, piece := range fmtVerb.Split(v, -1) {
			piece = strings.TrimSpace(strings.Trim(piece, " ;:,.()"))
			if len(strings.Fields(piece)) >= 3 {
				out = append(out, strings.ToLower(piece))
			}
		}
	}
	return out
}

// notSpokenIn reports what in s is not in lang: for ko, English phrases of
// cli.txt; for en, any Hangul.
func notSpokenIn(lang, s string, english []string) string {
	if lang == "en" {
		if hasHangul(s) {
			return "Hangul"
		}
		return ""
	}
	flat := strings.ToLower(strings.Join(strings.Fields(s), " "))
	for _, p := range english {
		if strings.Contains(flat, p) {
			return strconv.Quote(p)
		}
	}
	return ""
}

// langRuns are the ways to ask for Korean (the environment, or --lang in
// either spelling where the command has it) and for English.
func langRuns(lang string, hasLang bool) []struct {
	env  []string
	args []string
} {
	type run = struct {
		env  []string
		args []string
	}
	if lang == "en" {
		return []run{{[]string{"LANG=ko_KR.UTF-8", "LC_ALL=en_US.UTF-8"}, nil}}
	}
	runs := []run{{[]string{"LANG=ko_KR.UTF-8"}, nil}}
	if hasLang {
		runs = append(runs, run{[]string{"LANG=en_US.UTF-8"}, []string{"--lang", "ko"}}, run{nil, []string{"--lang=ko"}})
	}
	return runs
}

// Every command's --help, as fang draws it, is in the language asked for:
// the description is cli.txt's, and every flag's line has its words.
func TestHelpSpeaksTheLanguage(t *testing.T) {
	english := englishPhrases(t)
	for _, lang := range []string{"en", "ko"} {
		words := cliWords(t, lang)
		for _, tc := range []struct {
			cmd     []string
			short   string
			hasLang bool
		}{
			{nil, "cmd.tubes", true}, {[]string{"serve"}, "cmd.serve", true}, {[]string{"tap"}, "cmd.tap", true},
			{[]string{"check"}, "cmd.check", true}, {[]string{"init"}, "cmd.init", true}, {[]string{"lessons"}, "cmd.lessons", true},
			{[]string{"reset"}, "cmd.reset", false}, {[]string{"replay"}, "cmd.replay", true}, {[]string{"doctor"}, "cmd.doctor", true},
			{[]string{"help"}, "cmd.help", false}, {[]string{"completion"}, "cmd.completion", false},
			{[]string{"completion", "bash"}, "cmd.completion.shell", false}, {[]string{"completion", "fish"}, "cmd.completion.shell", false},
		} {
			for _, how := range langRuns(lang, tc.hasLang) {
				args := append(append(slices.Clone(tc.cmd), how.args...), "--help")
				r := tubes(t, how.env, args...)
				where := lang + ": tubes " + strings.Join(args, " ") + " " + strings.Join(how.env, " ")
				if r.code != 0 || r.stderr != "" {
					t.Errorf("%s: exit %d, stderr %q", where, r.code, r.stderr)
					continue
				}
				// The description, after fang's capital and wrapping.
				want := strings.Join(strings.Fields(words[tc.short]), " ")
				want = strings.Replace(want, "%s", lastOf(tc.cmd), 1)
				if _, rest, ok := strings.Cut(want, " "); ok {
					want = rest
				}
				if !strings.Contains(strings.Join(strings.Fields(r.stdout), " "), want) {
					t.Errorf("%s: no %q in\n%s", where, want, r.stdout)
				}
				if bad := notSpokenIn(lang, r.stdout, english); bad != "" {
					t.Errorf("%s: %s in\n%s", where, bad, r.stdout)
				}
				flags := 0
				for _, line := range flagLines(r.stdout) {
					flags++
					if lang == "ko" && !hasHangul(line) {
						t.Errorf("%s: flag line not in Korean: %q", where, line)
					}
				}
				if flags == 0 {
					t.Errorf("%s: no flags listed\n%s", where, r.stdout)
				}
			}
		}
	}
}

func lastOf(cmd []string) string {
	if len(cmd) == 0 {
		return "tubes"
	}
	return cmd[len(cmd)-1]
}

// flagLines are the lines of fang's FLAGS block.
func flagLines(help string) []string {
	var out []string
	inFlags := false
	for _, l := range strings.Split(help, "\n") {
		if strings.TrimSpace(l) == "FLAGS" {
			inFlags = true
			continue
		}
		if inFlags && helpFlag.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// pattern is a regexp for text with its fill-ins as anything.
func pattern(text string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, loc := range fmtVerb.FindAllStringIndex(text, -1) {
		b.WriteString(regexp.QuoteMeta(text[last:loc[0]]) + ".*")
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(text[last:]) + "$")
	return regexp.MustCompile(b.String())
}

// Bad usage says what is wrong in the language asked for, as one escaped
// line "tubes: …" from the key that fits, and exits 2; other errors and
// tubes reset's question and answer do too, with exit 1 and 0.
func TestErrorsSpeakTheLanguage(t *testing.T) {
	busy, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	written := t.TempDir()
	if r := tubes(t, nil, "init", "--lesson", "ping-pong", "--code", "go", "--dir", written); r.code != 0 {
		t.Fatalf("init: exit %d, %s", r.code, r.stderr)
	}
	serve := []string{"serve", "--lesson", "ping-pong", "--port", "0"}
	with := func(base []string, more ...string) []string { return append(slices.Clone(base), more...) }
	cases := []struct {
		key     string
		code    int
		hasLang bool
		args    []string
	}{
		{"usage.flag.unknown", 2, false, []string{"--bogus"}},
		{"usage.flag.novalue", 2, false, []string{"serve", "--lesson"}}, // a --lang after it would be its value
		{"usage.flag.syntax", 2, false, []string{"---x"}},
		{"usage.flag.want.whole", 2, true, with(serve, "--max-conns", "many")},
		{"usage.flag.want.number", 2, true, with(serve, "--conn-rate", "fast")},
		{"usage.flag.want.duration", 2, true, with(serve, "--idle-timeout", "soon")},
		{"usage.flag.want.bool", 2, true, with(serve, "--lan=maybe")},
		{"usage.flag.want.size", 2, true, with(serve, "--record-max", "lots")},
		{"usage.command.unknown", 2, false, []string{"nope"}},
		{"usage.args.none", 2, true, []string{"lessons", "extra"}},
		{"usage.args.reset", 2, false, []string{"reset", "a", "b"}},
		{"usage.args.replay", 2, true, []string{"replay"}},
		{"usage.lang", 2, false, []string{"lessons", "--lang", "xx"}},
		{"usage.serve.lesson", 2, true, []string{"serve"}},
		{"usage.lesson.ids", 2, true, []string{"serve", "--lesson", "nope"}},
		{"usage.step.range", 2, true, with(serve, "--step", "99")},
		{"usage.step", 2, true, with(serve, "--step", "-1")},
		{"usage.port.range", 2, true, []string{"serve", "--lesson", "ping-pong", "--port", "70000"}},
		{"usage.port.range", 2, true, with(serve, "--room-port", "70000")},
		{"usage.negative", 2, true, with(serve, "--max-conns", "-1")},
		{"usage.max-header-bytes", 2, true, with(serve, "--max-header-bytes", "10")},
		{"usage.listen", 2, true, with(serve, "--listen", "a b:1")},
		{"usage.listen.nohost", 2, true, []string{"serve", "--lesson", "ping-pong", "--listen", ":4000"}},
		{"usage.record", 2, true, with(serve, "--record", filepath.Join(t.TempDir(), "no", "such", "dir.jsonl"))},
		{"usage.tap.target", 2, true, []string{"tap"}},
		{"usage.target", 2, true, []string{"tap", "--plain", "--port", "0", "--target", "nohost"}},
		{"usage.target.self", 2, true, []string{"tap", "--plain", "--port", "46001", "--target", "localhost:46001"}},
		{"usage.plain-json", 2, true, []string{"tap", "--plain", "--json", "--target", "localhost:1"}},
		{"usage.theme", 2, true, []string{"tap", "--plain", "--theme", "pink", "--target", "localhost:1"}},
		{"usage.check.lesson", 2, true, []string{"check"}},
		{"usage.lesson.none", 2, true, []string{"check", "--lesson", "nope"}},
		{"usage.check.server", 2, true, []string{"check", "--lesson", "ping-pong"}},
		{"usage.check.both", 2, true, []string{"check", "--lesson", "ping-pong", "--target", "localhost:1", "--run", "x"}},
		{"usage.check.list", 2, true, []string{"check", "--lesson", "ping-pong", "--list", "--target", "localhost:1"}},
		{"usage.check.watch", 2, true, []string{"check", "--lesson", "ping-pong", "--target", "localhost:1", "--watch"}},
		{"usage.flag.want.duration", 2, true, []string{"check", "--lesson", "ping-pong", "--target", "localhost:1", "--wait", "soon"}},
		{"usage.target", 2, true, []string{"check", "--lesson", "ping-pong", "--target", "nohost"}},
		{"usage.watch.path", 2, true, []string{"check", "--lesson", "ping-pong", "--run", "true", "--watch=" + filepath.Join(written, "nowhere")}},
		{"usage.init.lesson", 2, true, []string{"init", "--code", "go"}},
		{"usage.init.code", 2, true, []string{"init", "--lesson", "ping-pong", "--code", "rust"}},
		{"usage.lesson.none", 2, true, []string{"init", "--lesson", "nope", "--code", "go"}},
		{"usage.lesson.none", 2, false, []string{"reset", "--yes", "nope"}},
		{"err.init.exists", 1, true, []string{"init", "--lesson", "ping-pong", "--code", "go", "--dir", written}},
		{"err.port.inuse", 1, true, []string{"serve", "--lesson", "ping-pong", "--listen", "127.0.0.1", "--port", busyPort}},
	}
	english := englishPhrases(t)
	for _, lang := range []string{"en", "ko"} {
		words := cliWords(t, lang)
		for _, tc := range cases {
			for _, how := range langRuns(lang, tc.hasLang) {
				args := append(slices.Clone(tc.args), how.args...)
				r := tubes(t, how.env, args...)
				where := lang + ": tubes " + strings.Join(args, " ") + " " + strings.Join(how.env, " ")
				msg, ok := strings.CutPrefix(strings.TrimSuffix(r.stderr, "\n"), "tubes: ")
				if r.code != tc.code || !ok || strings.Contains(msg, "\n") || !terminalSafe(msg) {
					t.Errorf("%s: exit %d (want %d), stderr %q; want one line tubes: …", where, r.code, tc.code, r.stderr)
					continue
				}
				if !pattern(words[tc.key]).MatchString(msg) {
					t.Errorf("%s: %q is not %s (%q)", where, msg, tc.key, words[tc.key])
				}
				if bad := notSpokenIn(lang, msg, english); bad != "" || lang == "ko" && !hasHangul(msg) {
					t.Errorf("%s: %q is not in %s (%s)", where, msg, lang, bad)
				}
			}
		}
		// tubes reset asks, and says what it did, in the language too.
		for _, how := range langRuns(lang, false) {
			cmd := []string{"reset"}
			r := tubesStdin(t, how.env, "n\n", cmd...)
			want := words["reset.ask.all"] + " " + words["reset.kept"] + "\n"
			if r.code != 0 || r.stderr != want {
				t.Errorf("%s: tubes reset, answer n: exit %d, stderr %q, want %q", lang, r.code, r.stderr, want)
			}
			r = tubesStdin(t, how.env, "y\n", "reset", "ping-pong")
			want = strings.Replace(words["reset.ask.one"], "%s", "ping-pong", 1) + " " + strings.Replace(words["reset.done.one"], "%s", "ping-pong", 1) + "\n"
			if r.code != 0 || r.stderr != want {
				t.Errorf("%s: tubes reset ping-pong, answer y: exit %d, stderr %q, want %q", lang, r.code, r.stderr, want)
			}
		}
	}
}

// The language is chosen from --lang (either spelling, anywhere before a
// "--"), else LC_ALL, LC_MESSAGES and LANG in that order, else English.
func TestCLILanguageChoice(t *testing.T) {
	ko, en := cliWords(t, "ko")["usage.serve.lesson"], cliWords(t, "en")["usage.serve.lesson"]
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{[]string{"LANG=ko_KR.UTF-8"}, nil, ko},
		{[]string{"LANG=en_US.UTF-8", "LC_MESSAGES=ko_KR.UTF-8"}, nil, ko},
		{[]string{"LANG=ko_KR.UTF-8", "LC_ALL=en_US.UTF-8"}, nil, en},
		{[]string{"LANG=ko_KR.UTF-8", "LC_MESSAGES=en_US.UTF-8"}, nil, en},
		{[]string{"LANG=fr_FR.UTF-8"}, nil, en},
		{nil, []string{"--lang", "ko"}, ko},
		{nil, []string{"--lang=ko"}, ko},
		{[]string{"LANG=ko_KR.UTF-8"}, []string{"--lang", "en"}, en},
		{[]string{"LANG=ko_KR.UTF-8"}, []string{"--lang=en"}, en},
		{nil, []string{"--lang", "ko", "--lang", "en"}, en},
	} {
		args := append([]string{"serve"}, tc.args...)
		r := tubes(t, tc.env, args...)
		if r.code != 2 || r.stderr != "tubes: "+tc.want+"\n" {
			t.Errorf("tubes %v with %v: exit %d, stderr %q; want %q", args, tc.env, r.code, r.stderr, tc.want)
		}
	}
	// A --lang the course lacks is refused in the environment's language;
	// one after "--" is not a flag at all.
	r := tubes(t, []string{"LANG=ko_KR.UTF-8"}, "lessons", "--lang", "xx")
	if r.code != 2 || !hasHangul(r.stderr) {
		t.Errorf("lessons --lang xx under LANG=ko: exit %d, %q", r.code, r.stderr)
	}
	// --lang is read before parsing even where the command lacks it, so
	// that very error is in the language asked for.
	r = tubes(t, nil, "reset", "--lang", "ko")
	if want := strings.Replace(cliWords(t, "ko")["usage.flag.unknown"], "%s", `"--lang"`, 1); r.code != 2 || r.stderr != "tubes: "+want+"\n" {
		t.Errorf("reset --lang ko: exit %d, %q, want %q", r.code, r.stderr, want)
	}
	// After "--" nothing is a flag; before it, --lang may be anywhere.
	r = tubes(t, []string{"LANG=en_US.UTF-8"}, "lessons", "--", "--lang", "ko")
	if want := cliWords(t, "en")["usage.args.none"]; r.code != 2 || !pattern(want).MatchString(strings.TrimPrefix(strings.TrimSpace(r.stderr), "tubes: ")) {
		t.Errorf("lessons -- --lang ko: exit %d, %q, want %q", r.code, r.stderr, want)
	}
	r = tubes(t, nil, "check", "--lesson", "nope", "--lang", "ko", "--target", "localhost:1")
	if want := cliWords(t, "ko")["usage.lesson.none"]; r.code != 2 || !pattern(want).MatchString(strings.TrimPrefix(strings.TrimSpace(r.stderr), "tubes: ")) {
		t.Errorf("check … --lang ko …: exit %d, %q, want %q", r.code, r.stderr, want)
	}
}
