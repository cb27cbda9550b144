package debug_test

import (
	"bytes"
	"fmt"
	"regexp"
	"time"

	"github.com/socketeer/socketeer/debug"
)

func ExampleNew() {
	var out bytes.Buffer
	tracer := debug.New(debug.Options{Output: &out, JSON: true, MaxArgBytes: 24})

	tracer.Connect("s1", "e1", "/chat", []byte(`{"token":"secret"}`), "10.0.0.1:4000", nil)
	tracer.Packet(&debug.Packet{
		Dir: debug.In, SocketID: "s1", Namespace: "/chat", Kind: "EVENT",
		Event: "send_message", AckID: 4, Args: []byte(`[{"text":"hi"}]`),
	})
	tracer.Handler("s1", "/chat", "send_message", "Chat.OnSendMessage", 1500*time.Microsecond, nil)
	tracer.Packet(&debug.Packet{
		Dir: debug.Out, Namespace: "/chat", Kind: "EVENT", Event: "message", AckID: -1,
		Args: []byte(`[{"text":"a rather long message"}]`), Recipients: 3,
	})

	// Print the lines without their timestamps, which change on every run.
	noTime := regexp.MustCompile(`"time":"[^"]*",`)
	fmt.Print(noTime.ReplaceAllString(out.String(), ""))
	// Output:
	// {"level":"info","sid":"s1","eio":"e1","nsp":"/chat","auth":"[redacted]","remote":"10.0.0.1:4000","message":"connect"}
	// {"level":"debug","dir":"in","sid":"s1","nsp":"/chat","type":"EVENT","event":"send_message","ack":4,"args":[{"text":"hi"}],"message":"packet"}
	// {"level":"debug","sid":"s1","nsp":"/chat","event":"send_message","handler":"Chat.OnSendMessage","dur_us":1500,"message":"handler"}
	// {"level":"debug","dir":"out","nsp":"/chat","type":"EVENT","event":"message","args":"[{\"text\":\"a rather long …","recipients":3,"message":"packet"}
}

func ExampleTracer_Enabled() {
	// A nil *Tracer traces nothing and costs nothing, so code that traces
	// needs no branch; Enabled guards work done only for the tracer.
	var tracer *debug.Tracer
	tracer.Engine("e1", "open polling")
	defer tracer.Watch("s1", "/", "save", "Store.OnSave")()
	fmt.Println(tracer.Enabled())
	// Output:
	// false
}
