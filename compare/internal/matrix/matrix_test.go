package matrix

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadAndCells(t *testing.T) {
	m, err := Read("../render/testdata/matrix.json")
	if err != nil {
		t.Fatal(err)
	}
	marks := map[string]string{} // runtime → its hostname cell
	for _, o := range m.Runtimes {
		marks[o.Runtime] = o.Cell("hostname")
	}
	want := map[string]string{"unshare": "✗", "go-mvrc": "✓", "crun": "–"}
	for rt, mark := range want {
		if marks[rt] != mark {
			t.Errorf("%s hostname cell = %q, want %q", rt, marks[rt], mark)
		}
	}
}

func TestReadRejects(t *testing.T) {
	dir := t.TempDir()
	tests := map[string]string{"not json": "{", "no assertions": `{"assertions":[],"runtimes":[]}`}
	for name, text := range tests {
		path := filepath.Join(dir, "m.json")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(path); err == nil {
			t.Errorf("%s: Read succeeded, want an error", name)
		}
	}
	if _, err := Read(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file: Read succeeded, want an error")
	}
}
