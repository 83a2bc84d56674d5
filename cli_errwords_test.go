package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The errors built below the command line (netcore's: a file that is not
// a recording, a path --record will not write through, an address that
// is not HOST:PORT) are said in the language asked for, like the command
// line's own: one line "tubes: …", the exit code as before, and in Korean
// none of the English they used to be.
func TestBelowErrorsSpeakTheLanguage(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := `{"time":"2026-11-24T12:00:00Z","source":"server","kind":"note","text":"ok"}` + "\n"
	badTime := `{"time":"yesterday","source":"server","kind":"note"}` + "\n"
	notRec := write("notes.txt", "hello\n")
	badFirst := write("bad-first.jsonl", "\n\n"+badTime)
	badLater := write("bad-later.jsonl", good+good+badTime)
	link := filepath.Join(dir, "link.jsonl")
	if err := os.Symlink(write("target.jsonl", ""), link); err != nil {
		t.Fatal(err)
	}
	serve := []string{"serve", "--lesson", "ping-pong", "--port", "0"}
	type errCase struct {
		what string
		code int
		env  []string
		args []string
		en   []string // the English words, which en still says
		ko   []string // Korean words it says instead
	}
	cases := []errCase{
		{"missing recording", 2, nil, []string{"replay", filepath.Join(dir, "nowhere.jsonl")},
			[]string{"cannot open the recording", "no such file or directory"}, []string{"열 수 없어요", "파일이나 폴더가 없어요"}},
		{"a directory", 2, nil, []string{"replay", dir}, []string{"is a directory: not a regular file"}, []string{"폴더예요"}},
		{"not a recording", 2, nil, []string{"replay", notRec}, []string{"is not a tubes recording: line 1: not a JSON event"},
			[]string{"기록 파일이 아니에요", "1번째 줄", "JSON 이벤트가 아니에요"}},
		{"a bad line", 2, nil, []string{"replay", badFirst}, []string{"is not a tubes recording: line 3: bad time"},
			[]string{"3번째 줄", "시각 값이 잘못됐어요"}},
		{"a bad line later", 1, nil, []string{"replay", "--plain", badLater}, []string{"line 3: bad time"},
			[]string{"3번째 줄", "시각 값이 잘못됐어요"}},
		{"a symlinked --record", 2, nil, append(slices.Clone(serve), "--record", link),
			[]string{"it is a symlink; a recording is not written through one"}, []string{"심볼릭 링크예요"}},
		{"--record in no directory", 2, nil, append(slices.Clone(serve), "--record", filepath.Join(dir, "no", "such.jsonl")),
			[]string{"no such file or directory"}, []string{"파일이나 폴더가 없어요"}},
		{"--listen with a space", 2, nil, append(slices.Clone(serve), "--listen", "a b:1"),
			[]string{"holds a space; want HOST:PORT"}, []string{"공백이 있어요"}},
		{"--listen bad port", 2, nil, append(slices.Clone(serve), "--listen", "localhost:99999"),
			[]string{"bad port: want a number from 0 to 65535"}, []string{"0부터 65535까지"}},
		{"tap --target with a space", 2, nil, []string{"tap", "--plain", "--port", "0", "--target", "a b:1"},
			[]string{"holds a space; want HOST:PORT"}, []string{"공백이 있어요"}},
		{"tap --target without a host", 2, nil, []string{"tap", "--plain", "--port", "0", "--target", ":8080"},
			[]string{"give the host to connect to"}, []string{"연결할 호스트를"}},
		{"check --target with a scheme", 2, nil, []string{"check", "--lesson", "ping-pong", "--target", "http://localhost:1"},
			[]string{"without a scheme or path"}, []string{"스킴이나 경로 없이"}},
		{"check --target bad port", 2, nil, []string{"check", "--lesson", "ping-pong", "--target", "localhost:0"},
			[]string{"bad port: want a number from 1 to 65535"}, []string{"1부터 65535까지"}},
		{"a state directory inside a file", 1, []string{"TUBES_STATE_DIR=" + filepath.Join(notRec, "state")}, []string{"lessons"},
			[]string{"cannot open the progress in", "not a directory"}, []string{"진행 상황을 열 수 없어요", "폴더가 아닌 것이 있어요"}},
	}
	fifo := filepath.Join(dir, "pipe")
	if err := mkfifo(fifo); err == nil {
		cases = append(cases, errCase{"a FIFO", 2, nil, []string{"replay", fifo}, []string{"is a named pipe: not a regular file"}, []string{"파이프(FIFO)예요"}})
	}
	for _, lang := range []string{"en", "ko"} {
		for _, tc := range cases {
			for _, how := range langRuns(lang, true) {
				args := append(slices.Clone(tc.args), how.args...)
				r := tubes(t, append(slices.Clone(tc.env), how.env...), args...)
				where := lang + ": " + tc.what + ": tubes " + strings.Join(args, " ") + " " + strings.Join(how.env, " ")
				msg, ok := strings.CutPrefix(strings.TrimSuffix(r.stderr, "\n"), "tubes: ")
				if r.code != tc.code || !ok || strings.Contains(msg, "\n") || !terminalSafe(msg) {
					t.Errorf("%s: exit %d (want %d), stderr %q; want one line tubes: …", where, r.code, tc.code, r.stderr)
					continue
				}
				if lang == "en" {
					for _, w := range tc.en {
						if !strings.Contains(msg, w) {
							t.Errorf("%s: %q does not say %q", where, msg, w)
						}
					}
					if hasHangul(msg) {
						t.Errorf("%s: %q has Hangul", where, msg)
					}
					continue
				}
				for _, w := range tc.ko {
					if !strings.Contains(msg, w) {
						t.Errorf("%s: %q does not say %q", where, msg, w)
					}
				}
				for _, w := range tc.en {
					if strings.Contains(msg, w) {
						t.Errorf("%s: %q still says %q in English", where, msg, w)
					}
				}
				if !hasHangul(msg) || strings.Contains(msg, "srv.") {
					t.Errorf("%s: %q is not in Korean words", where, msg)
				}
			}
		}
	}
}
