package jsontext

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

// TestAppendFloatMatchesEncodingJSON checks the float fast path.
func TestAppendFloatMatchesEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1.5, 1e20, 1e21, 123456789e15, 1e-6, 9.99e-7, 1e-7,
		5e-324, math.MaxFloat64, -math.MaxFloat64, 1 / 3.0, 12345.678, 1e100, 1.5e-10} {
		want, _ := json.Marshal(f)
		if got := AppendFloat(nil, f); string(got) != string(want) {
			t.Errorf("AppendFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestEncode(t *testing.T) {
	var got string
	if err := Encode(map[string]string{"a": "<b>"}, func(text []byte) error { got = string(text); return nil }); err != nil ||
		got != `{"a":"<b>"}` {
		t.Errorf("Encode = %q, %v; want {\"a\":\"<b>\"} (no HTML escapes, no newline)", got, err)
	}
	if err := Encode(math.NaN(), func([]byte) error { t.Error("use called for an unencodable value"); return nil }); err == nil {
		t.Error("Encode(NaN): no error")
	}
	stop := errors.New("stop")
	if err := Encode(1, func([]byte) error { return stop }); err != stop {
		t.Errorf("Encode returned %v, want use's error", err)
	}
}
