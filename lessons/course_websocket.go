package lessons

import (
	"io/fs"

	"github.com/tubes-course/tubes/assets"
	"github.com/tubes-course/tubes/netcore/behaviors"
)

// wsPage is the websocket lesson's page, with its client in plain JS; it
// picks English or Korean by the browser's language.
var wsPage = func() []byte {
	b, err := fs.ReadFile(assets.Lessons, "lessons/websocket-page.html")
	if err != nil {
		panic("assets: the websocket page is missing: " + err.Error())
	}
	return b
}()

// wsServer is the server of every websocket step.
var wsServer = behaviors.WebSocket{Page: wsPage, Idle: 60 * second}
