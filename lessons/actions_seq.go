package lessons

import "context"

// InTurn runs acts one after the other, as one step's action: a step that
// shows two requests makes both. It stops at the first error; its note is
// the last action's.
func InTurn(label string, acts ...Action) Action {
	return Action{Label: label, Run: func(ctx context.Context, env Env) (Note, error) {
		var note Note
		for _, a := range acts {
			var err error
			if note, err = a.Run(ctx, env); err != nil {
				return Note{}, err
			}
		}
		return note, nil
	}}
}
