package apicheck

import (
	"go/ast"
	"regexp"
	"testing"
)

// plumbing matches doc comments that describe an identifier as something
// only the library uses: such an identifier belongs under internal/.
var plumbing = regexp.MustCompile(`(?i)(called by the (router|app|dispatcher|library|engine)` +
	`|the (router|app|dispatcher|library|engine) (calls|uses) (it|this)` +
	`|apptest uses (it|this)|(servers|users|programs) (do not|don't|never) (need|call)` +
	`|for internal use|not meant for users|used by the (router|app|dispatcher))`)

// TestNoPlumbingInPublicDocs fails when an exported identifier of a public
// package is documented as plumbing.
func TestNoPlumbingInPublicDocs(t *testing.T) {
	for _, f := range moduleFiles(t) {
		if f.internal {
			continue
		}
		check := func(name string, docs ...*ast.CommentGroup) {
			for _, d := range docs {
				if d != nil && plumbing.MatchString(d.Text()) {
					t.Errorf("%s.%s is documented as plumbing: %q", f.pkg, name, plumbing.FindString(d.Text()))
				}
			}
		}
		for _, decl := range f.file.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() && (d.Recv == nil || ast.IsExported(receiverName(d))) {
					check(d.Name.Name, d.Doc)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							check(s.Name.Name, d.Doc, s.Doc)
							checkFields(s, func(field string, doc *ast.CommentGroup) {
								check(s.Name.Name+"."+field, doc)
							})
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								check(n.Name, d.Doc, s.Doc)
							}
						}
					}
				}
			}
		}
	}
}

// checkFields calls fn for each exported field or interface method of s.
func checkFields(s *ast.TypeSpec, fn func(name string, doc *ast.CommentGroup)) {
	var list *ast.FieldList
	switch t := s.Type.(type) {
	case *ast.StructType:
		list = t.Fields
	case *ast.InterfaceType:
		list = t.Methods
	}
	if list == nil {
		return
	}
	for _, f := range list.List {
		for _, n := range f.Names {
			if n.IsExported() {
				fn(n.Name, f.Doc)
			}
		}
	}
}

// TestPlumbingPattern keeps the pattern honest.
func TestPlumbingPattern(t *testing.T) {
	for _, s := range []string{"The router calls it.", "apptest uses it; servers do not need it.",
		"Accept marks the socket connected. The router calls it.", "It is called by the router."} {
		if !plumbing.MatchString(s) {
			t.Errorf("pattern misses %q", s)
		}
	}
	if plumbing.MatchString("Emit sends an event with args to this socket.") {
		t.Error("pattern matches an ordinary doc")
	}
}
