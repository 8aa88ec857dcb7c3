// Command quiz turns the audience quiz (docs/quiz.md) into Kahoot's import spreadsheet,
// failing with the offending line when a question breaks Kahoot's limits.
//
//	quiz -in docs/quiz.md -out docs/quiz.xlsx     (just quiz)
package main

import (
	"flag"
	"fmt"
	"os"

	"mvrc/compare/internal/quiz"
)

func main() {
	in := flag.String("in", "docs/quiz.md", "the quiz's markdown")
	out := flag.String("out", "docs/quiz.xlsx", "the spreadsheet to write")
	title := flag.String("title", "mvrc: building container isolation in Rust", "the quiz's title")
	flag.Parse()
	if err := run(*in, *out, *title); err != nil {
		fmt.Fprintf(os.Stderr, "quiz: %v\n", err)
		os.Exit(1)
	}
}

func run(in, out, title string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	qs, err := quiz.Parse(f, in)
	if err != nil {
		return err
	}
	if err := quiz.Write(out, title, qs); err != nil {
		return err
	}
	fmt.Printf("quiz: wrote %s (%d questions)\n", out, len(qs))
	return nil
}
