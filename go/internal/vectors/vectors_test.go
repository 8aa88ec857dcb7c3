package vectors

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRootHoldsGoWork(t *testing.T) {
	if _, err := os.Stat(filepath.Join(Root(t), "go.work")); err != nil {
		t.Fatalf("Root() = %s: %v", Root(t), err)
	}
}

// TestLoadReadsEveryFile: every vector file is a list of cases with a name, and not empty.
func TestLoadReadsEveryFile(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(Root(t), "testdata", "unit", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vector files: %v", err)
	}
	for _, file := range files {
		cases := Load[struct{ Name string }](t, filepath.Base(file))
		if len(cases) == 0 {
			t.Errorf("%s: no cases", file)
		}
		for i, c := range cases {
			if c.Name == "" {
				t.Errorf("%s: case %d has no name", file, i)
			}
		}
	}
}
