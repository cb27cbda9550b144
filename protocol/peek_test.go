package protocol

import "testing"

func TestPeekText(t *testing.T) {
	tests := []struct {
		msg     string
		ack     bool
		ackID   int64
		nsp     string
		attachs int
	}{
		{`3/admin,13["bar"]`, true, 13, "/admin", 0},
		{`31[]`, true, 1, "/", 0},
		{`51-["up",{"_placeholder":true,"num":0}]`, false, 0, "", 1},
		{`62-/x,7[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, false, 0, "", 2},
		{`2["event"]`, false, 0, "", 0},
		{`3["no id"]`, true, -1, "/", 0},
		{`5x-[]`, false, 0, "", 0},
		{``, false, 0, "", 0},
	}
	for _, tt := range tests {
		p, n := PeekText([]byte(tt.msg), Limits{})
		if (p != nil) != tt.ack || n != tt.attachs {
			t.Errorf("PeekText(%q) = %v, %d; want ack %v, %d attachments", tt.msg, p, n, tt.ack, tt.attachs)
			continue
		}
		if p != nil && (p.ID != tt.ackID || p.Namespace != tt.nsp) {
			t.Errorf("PeekText(%q) = ack %d on %q, want %d on %q", tt.msg, p.ID, p.Namespace, tt.ackID, tt.nsp)
		}
	}
}
