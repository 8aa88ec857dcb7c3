package facts

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestGoDeps(t *testing.T) {
	tests := []struct {
		name, gomod string
		want        []string
	}{
		{"block", "module mvrc\n\nrequire (\n\tgithub.com/spf13/pflag v1.1.0\n\tgolang.org/x/sys v0.50.0\n)\n",
			[]string{"github.com/spf13/pflag", "golang.org/x/sys"}},
		{"indirect left out", "module m\nrequire (\n\ta v1\n\tb v2 // indirect\n)\n", []string{"a"}},
		{"single line", "module m\nrequire golang.org/x/sys v0.1.0\n", []string{"golang.org/x/sys"}},
		{"none", "module m\n\ngo 1.26\n", nil},
	}
	for _, tt := range tests {
		if got := GoDeps(tt.gomod); !slices.Equal(got, tt.want) {
			t.Errorf("%s: GoDeps = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCargoDeps(t *testing.T) {
	toml := `[package]
name = "mvrc"

[dependencies]
lexopt = "0.3"
nix = { version = "0.29", features = ["sched"] }
# a comment
thiserror = "2"

[dev-dependencies]
serde = "1"

[dependencies.extra]
version = "1"
`
	want := []string{"lexopt", "nix", "thiserror", "extra"}
	if got := CargoDeps(toml); !slices.Equal(got, want) {
		t.Errorf("CargoDeps = %q, want %q", got, want)
	}
}

func TestCollect(t *testing.T) {
	repo := t.TempDir()
	files := map[string]string{
		"go/go.mod":                "module mvrc\nrequire golang.org/x/sys v0.1.0\n",
		"go/mvrc":                  "12345",
		"go/cmd/mvrc/main.go":      "package main\n\nfunc main() {}\n",
		"go/cmd/mvrc/main_test.go": "package main\n\nfunc TestX() {}\n",
		"rust/Cargo.toml":          "[dependencies]\nnix = \"0.29\"\n",
		"rust/src/main.rs":         "fn main() {}\n\n#[cfg(test)]\nmod tests {\n}\n",
	}
	for name, text := range files {
		path := filepath.Join(repo, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	twins, err := Collect(repo)
	if err != nil {
		t.Fatal(err)
	}
	want := []Twin{
		{Name: "go-mvrc", Binary: 5, Lines: 2, Files: 1, Deps: []string{"golang.org/x/sys"}},
		{Name: "rust-mvrc", Binary: 0, Lines: 1, Files: 1, Deps: []string{"nix"}},
	}
	for i, w := range want {
		g := twins[i]
		if g.Name != w.Name || g.Binary != w.Binary || g.Lines != w.Lines || g.Files != w.Files || !slices.Equal(g.Deps, w.Deps) {
			t.Errorf("twin %d = %+v, want %+v", i, g, w)
		}
	}
}
