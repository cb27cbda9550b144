// Command apicount counts the exported functions and methods of the module's
// public packages, the figure issue 12 bounds: run from the module root,
//
//	go run ./internal/apicount          # the total
//	go run ./internal/apicount -v       # one line per package, then the total
//
// It parses, with go/ast, every non-test .go file outside internal/,
// examples/, testdata/ and node_modules/, and counts each top-level function
// whose name is exported, and each method whose name and receiver type are
// both exported (a method of an unexported type is not in the API).
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	verbose := flag.Bool("v", false, "print the count of each package")
	flag.Parse()
	perPkg, err := count(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "apicount:", err)
		os.Exit(1)
	}
	total := 0
	pkgs := make([]string, 0, len(perPkg))
	for p, n := range perPkg {
		pkgs = append(pkgs, p)
		total += n
	}
	sort.Strings(pkgs)
	if *verbose {
		for _, p := range pkgs {
			fmt.Printf("%4d %s\n", perPkg[p], p)
		}
	}
	fmt.Println(total)
}

// count walks root and returns the exported function and method count of
// each package directory.
func count(root string) (map[string]int, error) {
	perPkg := map[string]int{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		perPkg[filepath.Dir(path)] += exported(f)
		return nil
	})
	return perPkg, err
}

func skipDir(name string) bool {
	switch name {
	case "internal", "examples", "testdata", "node_modules", "vendor":
		return true
	}
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// exported counts the exported functions and methods declared in f.
func exported(f *ast.File) int {
	n := 0
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || !fn.Name.IsExported() {
			continue
		}
		if fn.Recv != nil && !ast.IsExported(receiverType(fn.Recv.List[0].Type)) {
			continue
		}
		n++
	}
	return n
}

// receiverType returns the name of a receiver's type: T for T, *T, T[K] and *T[K].
func receiverType(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}
