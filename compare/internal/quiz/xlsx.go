package quiz

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// The layout of Kahoot's import template (KahootQuizTemplate.xlsx): notes above, the column
// headings on row 8, then one question a row from row 9: its number in A, the question in B,
// the answers in C-F, the time limit in G and the correct answers' numbers in H.
const (
	sheet      = "Sheet1"
	headingRow = 8
	firstRow   = 9
)

var headings = []string{
	"",
	"Question - max 120 characters",
	"Answer 1 - max 75 characters",
	"Answer 2 - max 75 characters",
	"Answer 3 - max 75 characters",
	"Answer 4 - max 75 characters",
	"Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
	"Correct answer(s) - choose at least one",
}

// cell: the name of column col (0 = A), row row.
func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col+1, row)
	return name
}

// Write saves qs as Kahoot's import template at path. The file carries a fixed date, so the
// same quiz gives the same spreadsheet.
func Write(path, title string, qs []Question) error {
	f := excelize.NewFile()
	defer f.Close()
	fixed := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Created: fixed, Modified: fixed, Creator: "just quiz"}); err != nil {
		return fmt.Errorf("quiz: %w", err)
	}
	set := func(col, row int, v any) error { return f.SetCellValue(sheet, cell(col, row), v) }
	notes := []string{title, "Generated from docs/quiz.md by `just quiz`: edit that file, not this one.",
		"Import in Kahoot: Create → Add question → Import spreadsheet."}
	for i, n := range notes {
		if err := set(1, i+2, n); err != nil {
			return fmt.Errorf("quiz: %w", err)
		}
	}
	for col, h := range headings {
		if err := set(col, headingRow, h); err != nil {
			return fmt.Errorf("quiz: %w", err)
		}
	}
	for i, q := range qs {
		row := firstRow + i
		values := []any{i + 1, q.Text, q.Answers[0], q.Answers[1], q.Answers[2], q.Answers[3], q.Time, strconv.Itoa(q.Correct)}
		for col, v := range values {
			if err := set(col, row, v); err != nil {
				return fmt.Errorf("quiz: %w", err)
			}
		}
	}
	for col, width := range []float64{4, 60, 30, 30, 30, 30, 14, 14} {
		name, _ := excelize.ColumnNumberToName(col + 1)
		if err := f.SetColWidth(sheet, name, name, width); err != nil {
			return fmt.Errorf("quiz: %w", err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("quiz: writing %s: %w", path, err)
	}
	return nil
}

// Read loads the questions back from a spreadsheet Write made (for tests and checks).
func Read(path string) ([]Question, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("quiz: reading %s: %w", path, err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		return nil, fmt.Errorf("quiz: reading %s: %w", path, err)
	}
	if len(rows) < headingRow || strings.Join(rows[headingRow-1], "|") != strings.Join(headings, "|") {
		return nil, fmt.Errorf("quiz: %s: row %d is not Kahoot's headings", path, headingRow)
	}
	var qs []Question
	for i, r := range rows[firstRow-1:] {
		if len(r) != len(headings) {
			return nil, fmt.Errorf("quiz: %s: row %d has %d cells, want %d", path, firstRow+i, len(r), len(headings))
		}
		q := Question{Line: firstRow + i, Text: r[1], Answers: [4]string{r[2], r[3], r[4], r[5]}}
		if q.Time, err = strconv.Atoi(r[6]); err != nil {
			return nil, fmt.Errorf("quiz: %s: row %d: time limit %q", path, firstRow+i, r[6])
		}
		if q.Correct, err = strconv.Atoi(r[7]); err != nil {
			return nil, fmt.Errorf("quiz: %s: row %d: correct answer %q", path, firstRow+i, r[7])
		}
		qs = append(qs, q)
	}
	return qs, nil
}
