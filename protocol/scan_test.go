package protocol

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// jsonSamples exercise every branch of the scanner.
var jsonSamples = []string{
	``, ` `, `0`, `-0`, `-`, `01`, `1.`, `1.5`, `.5`, `1e`, `1e+`, `1E-2`, `1e5x`, `-a`,
	`true`, `tru`, `truex`, `false`, `null`, `nul`, `True`,
	`""`, `"`, `"abc`, `"a\"b"`, `"\\"`, `"\/\b\f\n\r\t"`, `"\u00e9"`, `"\u00G9"`, `"\u12"`, `"\x"`, `"\`,
	"\"\x01\"", "\"\x7f\"", "\"\xff\"", `"é"`,
	`[]`, `[ ]`, `[`, `]`, `[1,]`, `[,1]`, `[1 2]`, `[1,[2,[3]]]`, `[1}`,
	`{}`, `{ }`, `{"a":1}`, `{"a" : 1 , "b":[]}`, `{"a"}`, `{"a":}`, `{a:1}`, `{"a":1,}`, `{1:1}`, `{"a":1]`, `{`,
	" \t\n\r[1]\r\n", `[1] [2]`, `{"a":{"b":{"c":[true,false,null]}}}`,
	strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
	strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
	strings.Repeat(`{"a":`, maxDepth) + "1" + strings.Repeat("}", maxDepth),
	strings.Repeat(`{"a":`, maxDepth+1) + "1" + strings.Repeat("}", maxDepth+1),
}

// TestScannerMatchesValid checks the scanner against encoding/json.Valid.
func TestScannerMatchesValid(t *testing.T) {
	for _, in := range jsonSamples {
		checkScanner(t, []byte(in))
	}
}

func checkScanner(t *testing.T, data []byte) {
	t.Helper()
	s := scanner{data: data}
	if got, want := s.whole(), json.Valid(data); got != want {
		t.Fatalf("scanner says %v (%s at %d), json.Valid says %v for %q", got, s.err, s.errAt, want, data)
	}
	if s.err == "" && s.depth != 0 {
		t.Fatalf("depth %d after scanning %q", s.depth, data)
	}
}

// TestAppendStringMatchesEncodingJSON checks appendString against an
// encoding/json Encoder without HTML escaping.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain", `a"b\c`, "\x00\x01\x1f\x7f", "\b\f\n\r\t", "<&>", "é😀", "\u2028\u2029",
		"bad\xffutf8", "\xed\xa0\x80", "trunc\xe2\x82",
	} {
		checkAppendString(t, s)
	}
}

func checkAppendString(t *testing.T, s string) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSuffix(buf.String(), "\n")
	if got := string(appendString(nil, s)); got != want {
		t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
	}
}
