package protocol_test

import (
	"fmt"

	"github.com/socketeer/socketeer/protocol"
)

func ExampleDecoder() {
	d := protocol.NewDecoder(protocol.Limits{})

	// An EVENT with ack id 12 on the /chat namespace.
	p, done, err := d.DecodeText([]byte(`2/chat,12["message","hi",{"n":1}]`))
	if err != nil || !done {
		panic(err)
	}
	name, args, _ := protocol.SplitEvent(p.Data)
	fmt.Println(p.Type, p.Namespace, p.ID, name, len(args))

	// A BINARY_EVENT is complete once its attachment has arrived.
	_, done, _ = d.DecodeText([]byte(`51-["upload",{"_placeholder":true,"num":0}]`))
	fmt.Println("complete:", done)
	p, done, _ = d.DecodeBinary([]byte{1, 2, 3})
	data, _ := protocol.InlineAttachments(p.Data, p.Attachments)
	fmt.Println("complete:", done, string(data))
	// Output:
	// EVENT /chat 12 message 2
	// complete: false
	// complete: true ["upload","AQID"]
}

func ExampleAppendPacket() {
	data, atts, err := protocol.AppendEvent(nil, "file", []any{"a.bin", []byte{1, 2, 3}})
	if err != nil {
		panic(err)
	}
	p := protocol.Packet{Type: protocol.BinaryEvent, Namespace: "/admin", ID: 7, Data: data, Attachments: atts}
	fmt.Printf("%s + %d attachment(s)\n", protocol.AppendPacket(nil, &p), len(p.Attachments))

	ack, _, _ := protocol.AppendArgs(nil, []any{true})
	p = protocol.Packet{Type: protocol.Ack, Namespace: "/", ID: 0, Data: ack}
	fmt.Printf("%s\n", protocol.AppendPacket(nil, &p))
	// Output:
	// 51-/admin,7["file","a.bin",{"_placeholder":true,"num":0}] + 1 attachment(s)
	// 30[true]
}
