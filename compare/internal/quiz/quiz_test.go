package quiz

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	good := Question{Text: "q?", Answers: [4]string{"a", "b", "c", "d"}, Correct: 2, Time: 20}
	tests := []struct {
		name string
		edit func(*Question)
		want string // "" = no error
	}{
		{"good", func(*Question) {}, ""},
		{"question at the limit", func(q *Question) { q.Text = strings.Repeat("…", 120) }, ""},
		{"question too long", func(q *Question) { q.Text = strings.Repeat("x", 121) }, "question is 121 characters"},
		{"answer at the limit", func(q *Question) { q.Answers[3] = strings.Repeat("é", 75) }, ""},
		{"answer too long", func(q *Question) { q.Answers[2] = strings.Repeat("x", 76) }, "answer C is 76 characters"},
		{"answer missing", func(q *Question) { q.Answers[1] = "" }, "answer B missing"},
		{"no correct answer", func(q *Question) { q.Correct = 0 }, "no correct answer"},
		{"time Kahoot lacks", func(q *Question) { q.Time = 25 }, "time limit 25 s"},
	}
	for _, tt := range tests {
		q := good
		tt.edit(&q)
		err := Check(q)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Check = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestParseNamesTheLine(t *testing.T) {
	md := "# Quiz\n\n### 1. fine?\n\n- A. a\n- B. b\n- C. c\n- D. d\n\n**A.** yes\n\n" +
		"### 2. too long an answer?\n<!-- time: 30 -->\n\n- A. a\n- B. " + strings.Repeat("x", 80) + "\n- C. c\n- D. d\n\n**A.** no\n"
	_, err := Parse(strings.NewReader(md), "quiz.md")
	if err == nil || !strings.HasPrefix(err.Error(), "quiz.md:12: answer B is 80 characters") {
		t.Fatalf("Parse = %v, want quiz.md:12: answer B is 80 characters", err)
	}
	qs, err := Parse(strings.NewReader(strings.Replace(md, strings.Repeat("x", 80), "`b`", 1)), "quiz.md")
	if err != nil {
		t.Fatal(err)
	}
	want := Question{Line: 12, Text: "too long an answer?", Answers: [4]string{"a", "b", "c", "d"}, Correct: 1, Time: 30}
	if !reflect.DeepEqual(qs[1], want) {
		t.Errorf("question 2 = %+v, want %+v", qs[1], want)
	}
}

// The committed spreadsheet re-reads with Kahoot's limits held, and says what docs/quiz.md says.
func TestCommittedSpreadsheet(t *testing.T) {
	f, err := os.Open("../../../docs/quiz.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, err := Parse(f, "docs/quiz.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"../../../docs/quiz.xlsx", filepath.Join(t.TempDir(), "quiz.xlsx")} {
		if !strings.HasPrefix(path, "..") {
			if err := Write(path, "test", want); err != nil {
				t.Fatal(err)
			}
		}
		got, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d questions, docs/quiz.md has %d (just quiz)", path, len(got), len(want))
		}
		for i, q := range got {
			if err := Check(q); err != nil {
				t.Errorf("%s row %d: %v", path, q.Line, err)
			}
			q.Line = want[i].Line
			if q != want[i] {
				t.Errorf("%s row %d = %+v, docs/quiz.md has %+v (just quiz)", path, firstRow+i, q, want[i])
			}
		}
	}
}
