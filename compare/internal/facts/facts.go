// Package facts measures each twin's code: binary size, lines of code, direct dependencies.
package facts

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Twin is the facts of one implementation.
type Twin struct {
	Name   string   // go-mvrc, rust-mvrc
	Binary int64    // bytes; 0 when not built
	Lines  int      // non-blank lines of non-test code
	Files  int      // source files counted
	Deps   []string // direct dependencies (not dev-, not indirect)
}

// Collect reads the facts from a repository checkout.
func Collect(repo string) ([]Twin, error) {
	goTwin, err := collect(repo, "go-mvrc", "go", ".go", goLines, "go.mod", GoDeps)
	if err != nil {
		return nil, err
	}
	rustTwin, err := collect(repo, "rust-mvrc", "rust/src", ".rs", rustLines, "Cargo.toml", CargoDeps)
	if err != nil {
		return nil, err
	}
	return []Twin{goTwin, rustTwin}, nil
}

func collect(repo, name, src, ext string, lines func(path, text string) int, manifest string, deps func(string) []string) (Twin, error) {
	t := Twin{Name: name}
	dir := strings.Split(src, "/")[0]
	if info, err := os.Stat(filepath.Join(repo, dir, "mvrc")); err == nil {
		t.Binary = info.Size()
	}
	err := filepath.WalkDir(filepath.Join(repo, src), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ext) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if n := lines(p, string(data)); n > 0 {
			t.Lines += n
			t.Files++
		}
		return nil
	})
	if err != nil {
		return t, err
	}
	data, err := os.ReadFile(filepath.Join(repo, dir, manifest))
	if err != nil {
		return t, err
	}
	t.Deps = deps(string(data))
	return t, nil
}

// goLines counts the non-blank lines of a Go file; test files count nothing.
func goLines(path, text string) int {
	if strings.HasSuffix(path, "_test.go") {
		return 0
	}
	return nonBlank(text)
}

// rustLines counts the non-blank lines before the file's unit tests (#[cfg(test)]).
func rustLines(_, text string) int {
	code, _, _ := strings.Cut(text, "#[cfg(test)]")
	return nonBlank(code)
}

func nonBlank(text string) int {
	n := 0
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			n++
		}
	}
	return n
}

// GoDeps lists a go.mod's requirements that are not marked indirect.
func GoDeps(gomod string) []string {
	var deps []string
	inBlock := false
	for _, line := range strings.Split(gomod, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "require (":
			inBlock = true
		case inBlock && line == ")":
			inBlock = false
		case strings.HasPrefix(line, "require ") || (inBlock && line != ""):
			if !strings.Contains(line, "// indirect") {
				deps = append(deps, strings.Fields(strings.TrimPrefix(line, "require "))[0])
			}
		}
	}
	return deps
}

// CargoDeps lists the crates of a Cargo.toml's [dependencies] (not dev- or build-).
func CargoDeps(toml string) []string {
	var deps []string
	section := ""
	for _, line := range strings.Split(toml, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			if name, ok := strings.CutPrefix(section, "dependencies."); ok {
				deps = append(deps, name)
			}
			continue
		}
		if section == "dependencies" && line != "" && !strings.HasPrefix(line, "#") {
			name, _, _ := strings.Cut(line, "=")
			deps = append(deps, strings.TrimSpace(name))
		}
	}
	return deps
}
