// Package mirror holds the twins to one shape: one drawing of the protocol, a hop table
// (architecture.md) whose names exist, and every stage file of the Go twin with its Rust twin
// and back (design.md, "Layout: one stage, one file, same name in both trees"):
//
//	go/cmd/mvrc/main.go        ↔ rust/src/main.rs
//	go/internal/NAME/NAME.go   ↔ rust/src/NAME.rs, or rust/src/NAME/mod.rs
//	go/internal/NAME/OTHER.go  ↔ rust/src/NAME/OTHER.rs
package mirror

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"mvrc/bench/internal/testenv"
)

// oneSided are the files that exist in one twin only, each with the reason.
var oneSided = map[string]string{
	"spec/wire":  "the Spec's wire form for the S message: the Rust child is a clone and gets no S",
	"spec/clean": "Go's filepath.Clean in Rust: the Go twin has the standard library's (both pinned on testdata/unit/clean.json)",
}

// TestStageFilesExistOnBothSides fails when a stage file exists on one side only.
func TestStageFilesExistOnBothSides(t *testing.T) {
	root := testenv.Root()
	goSide, rustSide := goStages(t, root), rustStages(t, root)
	if len(goSide) == 0 || len(rustSide) == 0 {
		t.Fatalf("no stage files found under %s (go: %d, rust: %d)", root, len(goSide), len(rustSide))
	}
	for stage := range oneSided {
		if slices.Contains(goSide, stage) == slices.Contains(rustSide, stage) {
			t.Errorf("%s is listed as one-sided but is on both sides or neither: update oneSided", stage)
		}
	}
	for _, stage := range goSide {
		if _, ok := oneSided[stage]; !ok && !slices.Contains(rustSide, stage) {
			t.Errorf("%s exists in the Go twin only: add its Rust twin (%s)", stage, rustName(stage))
		}
	}
	for _, stage := range rustSide {
		if _, ok := oneSided[stage]; !ok && !slices.Contains(goSide, stage) {
			t.Errorf("%s exists in the Rust twin only: add its Go twin (%s)", stage, goName(stage))
		}
	}
}

// goStages names each Go stage file as "NAME" or "NAME/OTHER", tests left out.
func goStages(t *testing.T, root string) []string {
	var stages []string
	if _, err := os.Stat(filepath.Join(root, "go/cmd/mvrc/main.go")); err == nil {
		stages = append(stages, "main")
	}
	files, err := filepath.Glob(filepath.Join(root, "go/internal/*/*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		pkg, name := filepath.Base(filepath.Dir(file)), strings.TrimSuffix(filepath.Base(file), ".go")
		if name == pkg {
			stages = append(stages, pkg)
		} else {
			stages = append(stages, pkg+"/"+name)
		}
	}
	return stages
}

// rustStages names each Rust stage file the same way: NAME.rs and NAME/mod.rs are "NAME".
func rustStages(t *testing.T, root string) []string {
	src := filepath.Join(root, "rust/src")
	var stages []string
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rs") {
			return err
		}
		rel, err := filepath.Rel(src, path)
		stages = append(stages, strings.TrimSuffix(strings.TrimSuffix(rel, ".rs"), "/mod"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return stages
}

func rustName(stage string) string {
	if strings.Contains(stage, "/") {
		return "rust/src/" + stage + ".rs"
	}
	return "rust/src/" + stage + ".rs or rust/src/" + stage + "/mod.rs"
}

func goName(stage string) string {
	switch {
	case stage == "main":
		return "go/cmd/mvrc/main.go"
	case strings.Contains(stage, "/"):
		return "go/internal/" + stage + ".go"
	}
	return "go/internal/" + stage + "/" + stage + ".go"
}

// TestChannelDiagramsMatch holds the one drawing of the protocol to one text: the Go twin's
// channel.go and the Rust twin's channel.rs draw it at their top, and the docs point there.
func TestChannelDiagramsMatch(t *testing.T) {
	root := testenv.Root()
	read := func(rel string) []string {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(string(data), "\n")
	}
	var goLines, rustLines []string
	for _, line := range read("go/internal/channel/channel.go") {
		if drawn, ok := strings.CutPrefix(line, "//\t"); ok {
			goLines = append(goLines, drawn)
		}
	}
	inside := false
	for _, line := range read("rust/src/channel.rs") {
		switch {
		case line == "//! ```text" || (inside && line == "//! ```"):
			inside = !inside
		case inside:
			rustLines = append(rustLines, strings.TrimPrefix(strings.TrimPrefix(line, "//!"), " "))
		}
	}
	if len(goLines) == 0 || !slices.Equal(goLines, rustLines) {
		t.Fatalf("the protocol drawings differ:\nchannel.go:\n%s\nchannel.rs:\n%s",
			strings.Join(goLines, "\n"), strings.Join(rustLines, "\n"))
	}
}

// TestHopTableNamesExist checks architecture.md's "From main to execve" table: every function
// it names in the Go column is a func of the Go twin, every one in the Rust column an fn of
// the Rust twin. A rename that forgets the table fails here.
func TestHopTableNamesExist(t *testing.T) {
	root := testenv.Root()
	doc, err := os.ReadFile(filepath.Join(root, "docs/architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, found := strings.Cut(string(doc), "## From main to execve")
	table, _, _ = strings.Cut(table, "\n## ")
	if !found {
		t.Fatal(`architecture.md has no "From main to execve" section`)
	}
	goSrc, rustSrc := sources(t, root, "go", ".go"), sources(t, root, "rust/src", ".rs")
	external := map[string]bool{"unix.Exec": true, "execve": true}
	names := regexp.MustCompile("`([A-Za-z_.:]+)`")
	rows := 0
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 5 || !regexp.MustCompile(`^ \d+ $`).MatchString(cells[1]) {
			continue
		}
		rows++
		for _, side := range []struct {
			cell, src, fn string
		}{{cells[2], goSrc, `func (\([^)]*\) )?`}, {cells[3], rustSrc, `fn `}} {
			for _, m := range names.FindAllStringSubmatch(side.cell, -1) {
				if external[m[1]] {
					continue
				}
				name := m[1][strings.LastIndexAny(m[1], ".:")+1:]
				if !regexp.MustCompile(`\b` + side.fn + name + `\b`).MatchString(side.src) {
					t.Errorf("hop table names %s, which no %q declares", m[1], side.fn)
				}
			}
		}
	}
	if rows < 10 {
		t.Fatalf("found %d rows in the hop table; want the whole walk", rows)
	}
}

// sources is every non-test source file with ext below dir, concatenated.
func sources(t *testing.T, root, dir, ext string) string {
	var all strings.Builder
	err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ext) || strings.HasSuffix(path, "_test.go") {
			return err
		}
		data, err := os.ReadFile(path)
		all.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return all.String()
}
