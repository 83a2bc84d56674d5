package lessons_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tubes-course/tubes/lessons"
	"github.com/tubes-course/tubes/netcore"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// The texts tell learners how long a server waits and how many clients it
// holds ("after 3 seconds", "at most 20 connections"); the bound behaviors
// must say the same, so a change to one without the other fails here.

// named is a number of a step's behavior that the text names.
type named struct {
	key   string // "id/N"
	what  string // idle, after, delay, header, limit
	intro bool   // named in the lesson's intro rather than the step
}

var namedInText = []named{
	{"tcp-accept/1", "idle", false},
	{"tcp-accept/2", "idle", false},
	{"tcp-accept/3", "idle", false},
	{"client/1", "idle", false},
	{"client/3", "after", false},
	{"ping-pong/2", "idle", false},
	{"byte-stream/1", "delay", false},
	{"content-length/3", "idle", false},
	{"http-request/4", "idle", false},
	{"concurrency/1", "delay", true},
	{"concurrency/2", "delay", false},
	{"keep-alive/1", "idle", false},
	{"keep-alive/2", "idle", false},
	{"keep-alive/4", "idle", false},
	{"timeouts/1", "idle", false},
	{"timeouts/2", "header", false},
	{"timeouts/3", "limit", false},
	{"timeouts/4", "header", false},
	{"timeouts/4", "limit", false},
	{"closing/4", "after", false},
	{"chunked/1", "delay", false},
	{"chunked/4", "idle", false},
}

// behaviorNumber is the duration or count a behavior has for what.
func behaviorNumber(b netcore.Behavior, what string) (time.Duration, int, bool) {
	switch b := b.(type) {
	case behaviors.AcceptOnly:
		return b.Idle, 0, what == "idle"
	case behaviors.PingPong:
		return b.Idle, 0, what == "idle"
	case behaviors.HangUp:
		return b.After, 0, what == "after"
	case behaviors.ReadLater:
		return b.Delay, 0, what == "delay"
	case behaviors.HTTPText:
		return b.Idle, 0, what == "idle"
	case behaviors.HTTPEcho:
		return b.Idle, 0, what == "idle"
	case behaviors.SlowHello:
		return b.Delay, 0, what == "delay"
	case behaviors.KeepAlive:
		return b.Idle, 0, what == "idle"
	case behaviors.ForgetsClose:
		return b.Hold, 0, what == "after"
	case behaviors.Chunked:
		return b.Pause, 0, what == "delay"
	case behaviors.ChunkWrong:
		return b.Idle, 0, what == "idle"
	case behaviors.Guarded:
		switch what {
		case "idle":
			return b.Idle, 0, true
		case "header":
			return b.HeaderTimeout, 0, true
		case "limit":
			return 0, b.Limit, true
		}
	}
	return 0, 0, false
}

// phrase is how a language writes a duration or a count of connections.
type phrase struct {
	seconds, minutes, ms, conns string // Sprintf patterns for a regexp, %s is the number
}

var phrases = map[string]phrase{
	"en": {`%s[ -]seconds?\b`, `%s minutes?\b`, `%s ?ms\b`, `%s connections\b`},
	"ko": {`%s초`, `%s분`, `%s ?ms\b`, `%s개`},
}

func phraseFor(p phrase, d time.Duration, n int) *regexp.Regexp {
	num := func(s string) string { return `(?:^|[^0-9.])` + regexp.QuoteMeta(s) }
	var re string
	switch {
	case d == 0:
		re = fmt.Sprintf(p.conns, num(strconv.Itoa(n)))
	case d%time.Minute == 0 && d >= 2*time.Minute:
		re = fmt.Sprintf(p.minutes, num(strconv.Itoa(int(d/time.Minute))))
	case d < time.Second:
		re = fmt.Sprintf(p.ms, num(strconv.Itoa(int(d/time.Millisecond))))
	default:
		re = fmt.Sprintf(p.seconds, num(strconv.FormatFloat(d.Seconds(), 'f', -1, 64)))
	}
	return regexp.MustCompile(re)
}

func TestTextNamesTheBehaviorsNumbers(t *testing.T) {
	for _, lang := range lessons.Languages() {
		p, ok := phrases[lang]
		if !ok {
			t.Errorf("no duration phrases for %s: add them to phrases so its texts are checked too", lang)
			continue
		}
		c, err := lessons.Load(lang)
		if err != nil {
			t.Errorf("Load(%s): %v", lang, err)
			continue
		}
		for _, nt := range namedInText {
			s := stepOf(t, c, nt.key)
			d, n, ok := behaviorNumber(s.Behavior, nt.what)
			if !ok {
				t.Errorf("%s: behavior %T has no %s", nt.key, s.Behavior, nt.what)
				continue
			}
			text, where := s.Body, "step"
			if nt.intro {
				id, _, _ := strings.Cut(nt.key, "/")
				text, where = c.Lessons[c.Find(id)].Intro, "intro"
			}
			if re := phraseFor(p, d, n); !re.MatchString(text) {
				num := any(d)
				if d == 0 {
					num = n
				}
				t.Errorf("%s %s (%s): the behavior's %s is %v but the %s does not say so (/%s/)", lang, nt.key, s.Title, nt.what, num, where, re)
			}
		}
	}
}

// Every English lesson whose text names a duration has a line above.
func TestNamedInTextCoversTheCourse(t *testing.T) {
	c := loadEN(t)
	duration := regexp.MustCompile(`\d+(\.\d+)?[ -]?(seconds?|minutes?|ms)\b`)
	covered := map[string]bool{}
	for _, nt := range namedInText {
		id, _, _ := strings.Cut(nt.key, "/")
		covered[id] = true
	}
	for _, l := range c.Lessons {
		text := l.Intro
		for _, s := range l.Steps {
			text += "\n" + s.Body
		}
		if m := duration.FindString(text); m != "" && !covered[l.ID] {
			t.Errorf("%s names %q but namedInText checks none of its numbers", l.ID, m)
		}
	}
}

// The tests wait for these timeouts (waitLimit); keep them short enough.
func TestTimeoutsTheTestsWaitFor(t *testing.T) {
	c := loadEN(t)
	for _, key := range []string{"tcp-accept/3", "content-length/3", "keep-alive/4", "timeouts/1"} {
		if d, _, ok := behaviorNumber(stepOf(t, c, key).Behavior, "idle"); !ok || d > 5*time.Second {
			t.Errorf("%s: idle %v; the step tests wait for it, keep it within 5s or raise waitLimit", key, d)
		}
	}
	for _, key := range []string{"timeouts/2", "timeouts/4"} {
		if d, _, _ := behaviorNumber(stepOf(t, c, key).Behavior, "header"); d > 5*time.Second {
			t.Errorf("%s: header timeout %v; keep it within 5s or raise waitLimit", key, d)
		}
	}
}
