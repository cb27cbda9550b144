package namespace

import "github.com/socketeer/socketeer/internal/nsrt"

// Runtime is the namespace runtime the tests drive, as the app does.
type Runtime = nsrt.Runtime

// Of returns the Namespace of rt, as app.App.Of does.
func Of(rt *Runtime) *Namespace { return (*Namespace)(nsrt.HandleOf(rt)) }

// core returns s as the runtime sees it, to drive what the dispatcher
// drives (Accept, HandleAck, ...).
func core(s *Socket) *nsrt.Socket { return (*nsrt.Socket)(s) }
