package room

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/tubes-course/tubes/lessons"
)

// markdown renders lesson text to HTML. goldmark's defaults are what the
// page needs: raw HTML in the source is dropped (not passed through),
// text is escaped, and javascript: style links are not linked.
var markdown = goldmark.New()

// stepView is one step as the page shows it, for one room address.
type stepView struct {
	Set     bool // false until the teacher's screen has opened a step
	Lesson  string
	Where   string // "Step 2/3"
	Title   string
	Body    template.HTML // rendered from the lesson's Markdown, escaped
	Try     string        // the step's first code block: what to type
	Link    string        // the lesson server, as a student reaches it
	Labels  labels
	Waiting string
}

// labels are the fixed words around a step.
type labels struct {
	Try, Link string
}

// renderStep fills the placeholders with addr, the address students reach
// the lesson server at, and renders the step's Markdown.
func renderStep(l lessons.Lesson, step int, addr lessons.Address, ui map[string]string) (stepView, error) {
	v := stepView{Set: true, Lesson: l.Title, Link: addr.URL(), Labels: labels{Try: ui["room.try"], Link: ui["room.link"]}}
	if step < 0 || step >= len(l.Steps) {
		return stepView{}, fmt.Errorf("lesson %s has no step %d", l.ID, step+1)
	}
	st := l.Steps[step]
	v.Where = fmt.Sprintf("%s %d/%d", ui["lesson.step"], step+1, len(l.Steps))
	v.Title = lessons.Fill(st.Title, addr)
	src := []byte(lessons.Fill(st.Body, addr))
	doc := markdown.Parser().Parse(text.NewReader(src))
	v.Try = firstCode(doc, src)
	var buf bytes.Buffer
	if err := markdown.Renderer().Render(&buf, src, doc); err != nil {
		return stepView{}, err
	}
	// The renderer escaped every piece of text and dropped raw HTML, so
	// its output may go into the page as markup.
	v.Body = template.HTML(buf.String())
	return v, nil
}

// firstCode is the text of the first fenced code block, trimmed; "" if the
// step has none.
func firstCode(doc ast.Node, src []byte) string {
	var out string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		fc, ok := n.(*ast.FencedCodeBlock)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		var b strings.Builder
		lines := fc.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b.Write(seg.Value(src))
		}
		out = strings.TrimSpace(b.String())
		return ast.WalkStop, nil
	})
	return out
}
