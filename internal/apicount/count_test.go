package main

import "testing"

// maxExported is the bound issue 12 set on the exported functions and
// methods of the public packages (242 before it).
const maxExported = 160

func TestExportedBound(t *testing.T) {
	perPkg, err := count("../..")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range perPkg {
		total += n
	}
	t.Logf("%d exported functions and methods", total)
	if total > maxExported {
		t.Errorf("%d exported functions and methods, want at most %d: hide plumbing under internal/", total, maxExported)
	}
}
