package interop_test

import (
	"slices"
	"testing"
	"time"

	"github.com/socketeer/socketeer/internal/testenv"
)

// basicSteps are what wire_basic.js and wire_basic.py print, byte for byte,
// whatever the transport.
var basicSteps = []struct{ step, want string }{
	{"auth", `{"token":"abc","n":1,"nested":{"z":1,"a":[true]}}`},
	{"message-back", `[1,"2",{"3":[false]}]`},
	{"ack", `[1,"2",{"3":[false]}]`},
	{"ack-empty", `[]`},
	{"big", `{"same":true,"bytes":200009}`},
	{"binary", `[{"$bin":"010203"},{"a":{"$bin":"0405"},"list":[{"$bin":"06"},{"deep":{"$bin":"07"}}]},"text"]`},
	{"binary-ack", `[{"file":{"$bin":"00ff"}},[{"$bin":"6869"},2]]`},
	{"question", `[41,{"$bin":"010203"},{"nested":[{"$bin":"0405"},"x"]}]`},
	// The server sees binary ack args as base64 strings (namespace.Reply).
	{"answer-was", `{"args":["answer",42,"CQgH",{"b":"Bg=="}]}`},
	{"whoami", `{"engine":true,"id":true,"nsp":"/"}`},
}

// checkBasic asserts the steps common to every basic run and the server's
// side of it: the client's acknowledgement and its disconnect reason.
// reasons are the server-side disconnect reasons accepted, any of them.
func checkBasic(t *testing.T, srv *server, l *lines, transport string, reasons ...string) {
	t.Helper()
	l.expect("connected", `{"id":true}`)
	for _, s := range basicSteps {
		l.expect(s.step, s.want)
	}
	l.expect("transport", `"`+transport+`"`)
	select {
	case r := <-srv.replies:
		var word string
		var n int
		var bin []byte
		var obj struct{ B []byte }
		if err := r.Decode(&word, &n, &bin, &obj); err != nil || word != "answer" || n != 42 ||
			string(bin) != "\x09\x08\x07" || string(obj.B) != "\x06" {
			t.Errorf("server-side ack: %v %q %d %v %v", err, word, n, bin, obj.B)
		}
	case <-time.After(time.Second):
		t.Error("the server got no acknowledgement")
	}
	waitReason(t, srv, reasons...)
}

// waitReason waits until a socket disconnected for one of reasons.
func waitReason(t *testing.T, srv *server, reasons ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := srv.disconnectReasons()
		for _, r := range reasons {
			if has(got, r) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server-side disconnect reasons %q, want one of %q", got, reasons)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestNodeWebsocketOnly(t *testing.T) {
	srv := newServer(t)
	l := run(t, testenv.RunNode, srv, "js/wire_basic.js", "TRANSPORTS=websocket")
	checkBasic(t, srv, l, "websocket", "client namespace disconnect")
}

func TestNodePollingOnly(t *testing.T) {
	srv := newServer(t)
	l := run(t, testenv.RunNode, srv, "js/wire_basic.js", "TRANSPORTS=polling")
	checkBasic(t, srv, l, "polling", "client namespace disconnect")
}

func TestNodeUpgraded(t *testing.T) {
	srv := newServer(t)
	l := run(t, testenv.RunNode, srv, "js/wire_basic.js", "TRANSPORTS=polling,websocket")
	checkBasic(t, srv, l, "websocket", "client namespace disconnect")
}

// TestNodeUpgradeBurst sends 200 numbered events each way while the
// client upgrades from polling to websocket; all must arrive, in order.
func TestNodeUpgradeBurst(t *testing.T) {
	srv := newServerDelayingProbes(t, 200*time.Millisecond)
	l := run(t, testenv.RunNode, srv, "js/wire_upgrade.js")
	var res struct {
		Received      []int          `json:"received"`
		ServerGot     []int          `json:"serverGot"`
		SentOn        map[string]int `json:"sentOn"`
		ReceivedOn    map[string]int `json:"receivedOn"`
		Upgraded      bool           `json:"upgraded"`
		UpgradingSent int            `json:"upgradingSent"`
	}
	l.decode("burst", &res)
	want := make([]int, 200)
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(res.Received, want) {
		t.Errorf("client received %d events, not 0..199 in order: %v", len(res.Received), res.Received)
	}
	if !slices.Equal(res.ServerGot, want) {
		t.Errorf("server received %d events, not 0..199 in order: %v", len(res.ServerGot), res.ServerGot)
	}
	if !res.Upgraded || res.UpgradingSent == 0 {
		t.Errorf("the burst did not span the upgrade: %+v", res)
	}
	if res.SentOn["polling"] == 0 || res.SentOn["websocket"] == 0 {
		t.Errorf("client events did not use both transports: %v", res.SentOn)
	}
	if res.ReceivedOn["polling"] == 0 || res.ReceivedOn["websocket"] == 0 {
		t.Errorf("server events did not use both transports: %v", res.ReceivedOn)
	}
	t.Logf("client sent %v (%d while upgrading); received %v", res.SentOn, res.UpgradingSent, res.ReceivedOn)
}

func TestNodeConnectErrors(t *testing.T) {
	srv := newServer(t)
	l := run(t, testenv.RunNode, srv, "js/wire_errors.js")
	l.expect("unknown-namespace", `{"message":"Invalid namespace","data":null,"connected":false}`)
	l.expect("refused", `{"message":"not allowed here","data":{"code":4031,"retry":false},"connected":false}`)
	l.expect("root-after-errors", `{"connected":true,"auth":{}}`)
}

func TestNodeMultiplex(t *testing.T) {
	srv := newServer(t)
	l := run(t, testenv.RunNode, srv, "js/wire_multiplex.js")
	l.expect("shared-manager", `true`)
	l.expect("auth", `[{"ns":"root"},{"ns":"custom"}]`)
	l.expect("same-engine", `{"root":true,"custom":true,"nsps":["/","/custom"],"sameSocketID":false}`)
	l.expect("routed", `{"root":["message-back",["to root"]],"custom":["custom-back",["to custom"]]}`)
	l.expect("custom-alone", `{"rootConnected":false,"customConnected":true,"echo":["still here"],"sameEngine":true}`)
}

func TestNodeReconnect(t *testing.T) {
	srv := newServer(t)
	l := run(t, testenv.RunNode, srv, "js/wire_reconnect.js")
	var kicked struct {
		Reason      string `json:"reason"`
		Reconnected bool   `json:"reconnected"`
		NewEngine   bool   `json:"newEngine"`
		NewSocket   bool   `json:"newSocket"`
		Attempts    int    `json:"attempts"`
	}
	l.decode("engine-closed", &kicked)
	if kicked.Reason != "transport close" || !kicked.Reconnected || !kicked.NewEngine || !kicked.NewSocket || kicked.Attempts < 1 {
		t.Errorf("after the server closed the engine session: %+v", kicked)
	}
	l.expect("socket-disconnected", `{"reason":"io server disconnect","connected":false,"active":false,"attempts":0,"reconnects":0}`)
	reasons := srv.disconnectReasons()
	if !has(reasons, "forced server close") || !has(reasons, "server namespace disconnect") {
		t.Errorf("server-side reasons %q", reasons)
	}
}
