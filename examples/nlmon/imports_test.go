package nlmon_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestExamplesUseOnlyPublicAPI: like nlmon_rust.rs's
// #![forbid(unsafe_code)], nothing under examples/ or drivers/, tests
// included, imports unsafe or one of knet's internal packages: a driver
// is written against the typed packages alone.
func TestExamplesUseOnlyPublicAPI(t *testing.T) {
	for _, root := range []string{filepath.Join(".."), filepath.Join("..", "..", "drivers")} {
		checkPublicImports(t, root)
	}
}

func checkPublicImports(t *testing.T, root string) {
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		files++
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			if p == "unsafe" || p == "internal" || strings.HasPrefix(p, "internal/") ||
				strings.Contains(p, "/internal/") || strings.HasSuffix(p, "/internal") {
				t.Errorf("%s imports %q", fset.Position(imp.Pos()), p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 3 {
		t.Fatalf("checked only %d files under %s", files, root)
	}
}
