// Package quiz reads the audience quiz (docs/quiz.md), checks it against Kahoot's limits and
// writes it as Kahoot's spreadsheet import template.
package quiz

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kahoot's limits for an imported quiz.
const (
	MaxQuestion = 120
	MaxAnswer   = 75
	DefaultTime = 20
)

// TimeLimits are the time limits (seconds) Kahoot offers.
var TimeLimits = []int{5, 10, 20, 30, 60, 90, 120, 240}

// A Question is one quiz question as Kahoot shows it: plain text, four answers, a time limit
// and the number (1-4) of the correct answer. Line is where it starts in the source.
type Question struct {
	Line    int
	Text    string
	Answers [4]string
	Correct int
	Time    int
}

var (
	heading = regexp.MustCompile(`^### \d+\. (.+)$`)
	answer  = regexp.MustCompile(`^- ([A-D])\. (.+)$`)
	correct = regexp.MustCompile(`^\*\*([A-D])\.\*\*`)
	timeset = regexp.MustCompile(`^<!-- time: (\d+) -->$`)
)

// Parse reads the quiz's markdown: a `### N. question` heading, four `- A. answer` lines, an
// optional `<!-- time: N -->` line, and the answer's `**B.**` under it. Errors name the line.
func Parse(r io.Reader, name string) ([]Question, error) {
	var qs []Question
	var q *Question
	lines := bufio.NewScanner(r)
	for n := 1; lines.Scan(); n++ {
		line := lines.Text()
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", name, n, fmt.Sprintf(format, args...))
		}
		if m := heading.FindStringSubmatch(line); m != nil {
			qs = append(qs, Question{Line: n, Text: plain(m[1]), Time: DefaultTime})
			q = &qs[len(qs)-1]
			continue
		}
		if q == nil {
			continue
		}
		if m := answer.FindStringSubmatch(line); m != nil {
			i := int(m[1][0] - 'A')
			if q.Answers[i] != "" {
				return nil, fail("answer %s twice", m[1])
			}
			q.Answers[i] = plain(m[2])
		} else if m := timeset.FindStringSubmatch(line); m != nil {
			q.Time, _ = strconv.Atoi(m[1])
		} else if m := correct.FindStringSubmatch(line); m != nil {
			if q.Correct != 0 {
				return nil, fail("a second answer for question %d", len(qs))
			}
			q.Correct = int(m[1][0]-'A') + 1
		}
	}
	if err := lines.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s: no questions (### N. …)", name)
	}
	for _, q := range qs {
		if err := Check(q); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, q.Line, err)
		}
	}
	return qs, nil
}

// Check reports the first way q breaks Kahoot's limits.
func Check(q Question) error {
	if n := utf8.RuneCountInString(q.Text); n > MaxQuestion {
		return fmt.Errorf("question is %d characters, Kahoot takes %d: %q", n, MaxQuestion, q.Text)
	}
	for i, a := range q.Answers {
		if a == "" {
			return fmt.Errorf("answer %c missing", 'A'+i)
		}
		if n := utf8.RuneCountInString(a); n > MaxAnswer {
			return fmt.Errorf("answer %c is %d characters, Kahoot takes %d: %q", 'A'+i, n, MaxAnswer, a)
		}
	}
	if q.Correct < 1 || q.Correct > 4 {
		return fmt.Errorf("no correct answer (a **B.** line under the question)")
	}
	for _, t := range TimeLimits {
		if q.Time == t {
			return nil
		}
	}
	return fmt.Errorf("time limit %d s: Kahoot offers %v", q.Time, TimeLimits)
}

// plain: markdown text as Kahoot shows it, without the code backticks.
func plain(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "`", ""))
}
