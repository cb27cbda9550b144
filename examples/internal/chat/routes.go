package chat

import (
	"net/http"

	"github.com/socketeer/socketeer/templates"
)

// Mount serves the chat on mux: the page titled title at /, its files at
// /static/ and the Socket.IO app a at /socket.io/.
func Mount(mux *http.ServeMux, a http.Handler, title string) {
	mux.Handle("/socket.io/", a)
	mux.Handle("/static/", templates.Static())
	mux.Handle("GET /{$}", templates.Page("chat.html", templates.Data{Title: title, MaxLength: MaxText}))
}
