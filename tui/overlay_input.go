package tui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// inputPurpose is what the input box is for.
type inputPurpose int

const (
	inputMessage inputPurpose = iota // a message for the step's action (m)
	inputTarget                      // the address of the learner's server (y)
	inputBuild                       // the command that starts it, or its address (Your turn)
)

// inputPanel is the box the learner types into.
type inputPanel struct {
	field   textinput.Model
	purpose inputPurpose
}

func newInputPanel() inputPanel {
	f := textinput.New()
	f.CharLimit = 512
	return inputPanel{field: f}
}

func (o *inputPanel) open(purpose inputPurpose, value, placeholder string, width int) tea.Cmd {
	o.purpose = purpose
	o.field.Reset()
	o.field.SetValue(value)
	o.field.CursorEnd()
	o.field.Placeholder = placeholder
	o.field.SetWidth(width)
	return o.field.Focus()
}

// key edits the text; on enter it hands back what was typed (submitted),
// on esc nothing. Every other key is typing, q included.
func (o *inputPanel) key(msg tea.KeyPressMsg, k keyMap) (text string, submitted, closed bool, cmd tea.Cmd) {
	switch {
	case key.Matches(msg, k.Close):
		o.field.Blur()
		return "", false, true, nil
	case key.Matches(msg, k.Choose):
		o.field.Blur()
		text = o.field.Value()
		if text == "" && o.purpose == inputBuild {
			text = o.field.Placeholder // the last command used, again
		}
		o.field.Reset()
		return text, text != "", true, nil
	}
	o.field, cmd = o.field.Update(msg)
	return "", false, false, cmd
}

// blink passes the cursor's blink on.
func (o *inputPanel) blink(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	o.field, cmd = o.field.Update(msg)
	return cmd
}

func (o inputPanel) view(st styles, t func(string) string) string {
	title, help := "message.title", "message.help"
	switch o.purpose {
	case inputTarget:
		title, help = "yours.title", "yours.help"
	case inputBuild:
		title, help = "build.title", "build.help"
	}
	return st.overlay.Render(st.bold.Render(t(title)) + "\n\n" + o.field.View() + "\n\n" + st.dim.Render(t(help)))
}
