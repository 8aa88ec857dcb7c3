// Package mirror holds the twins to one layout: every stage file of the Go twin has its Rust
// twin and back (design.md, "Layout: one stage, one file, same name in both trees"):
//
//	go/cmd/mvrc/main.go        ↔ rust/src/main.rs
//	go/internal/NAME/NAME.go   ↔ rust/src/NAME.rs, or rust/src/NAME/mod.rs
//	go/internal/NAME/OTHER.go  ↔ rust/src/NAME/OTHER.rs
package mirror

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"mvrc/bench/internal/testenv"
)

// oneSided are the files that exist in one twin only, each with the reason.
var oneSided = map[string]string{
	"spec/wire": "the Spec's wire form for the S message: the Rust child is a clone and gets no S",
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
