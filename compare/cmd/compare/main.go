// Command compare renders a benchmark run into docs/results.md and its charts, or
// compares two runs benchstat-style.
//
//	compare render -results bench/results/X.txt -matrix bench/results/X.isolation.json -docs docs -repo .
//	compare ab OLD.txt NEW.txt
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"mvrc/compare/internal/ab"
	"mvrc/compare/internal/facts"
	"mvrc/compare/internal/matrix"
	"mvrc/compare/internal/render"
	"mvrc/compare/internal/results"
)

const usage = `usage:
  compare render -results FILE -matrix FILE [-docs DIR] [-repo DIR]
  compare ab OLD NEW`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "render":
		return renderCmd(args[1:])
	case "ab":
		if len(args) != 3 {
			return errors.New(usage)
		}
		return abCmd(args[1], args[2])
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

func renderCmd(args []string) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	resultsPath := fs.String("results", "", "benchmark results (benchfmt)")
	matrixPath := fs.String("matrix", "", "isolation matrix (JSON)")
	docs := fs.String("docs", "../docs", "directory for results.md and charts/")
	repo := fs.String("repo", "..", "repository root, for the code facts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *resultsPath == "" || *matrixPath == "" {
		return errors.New(usage)
	}
	file, err := results.Read(*resultsPath)
	if err != nil {
		return err
	}
	m, err := matrix.Read(*matrixPath)
	if err != nil {
		return err
	}
	twins, err := facts.Collect(*repo)
	if err != nil {
		return err
	}
	for _, fig := range results.Figures {
		if render.Charts[fig.ID] {
			if _, err := render.Chart(filepath.Join(*docs, "charts"), file, fig); err != nil {
				return err
			}
		}
	}
	var md bytes.Buffer
	report := render.Report{Source: sourceName(*repo, *resultsPath), Results: file, Matrix: m, Facts: twins}
	if err := render.Markdown(&md, report); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(*docs, "results.md"), md.Bytes(), 0o644)
}

// sourceName is the results file relative to the repository when it lies inside it.
func sourceName(repo, path string) string {
	abs, err1 := filepath.Abs(path)
	root, err2 := filepath.Abs(repo)
	if rel, err := filepath.Rel(root, abs); err1 == nil && err2 == nil && err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return filepath.Base(path)
}

func abCmd(oldPath, newPath string) error {
	old, err := results.Read(oldPath)
	if err != nil {
		return err
	}
	new, err := results.Read(newPath)
	if err != nil {
		return err
	}
	rows := ab.Compare(old, new)
	if len(rows) == 0 {
		return fmt.Errorf("%s and %s have no benchmark in common", oldPath, newPath)
	}
	return ab.Write(os.Stdout, filepath.Base(oldPath), filepath.Base(newPath), rows)
}
