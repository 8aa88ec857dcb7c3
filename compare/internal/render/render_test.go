package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mvrc/compare/internal/facts"
	"mvrc/compare/internal/matrix"
	"mvrc/compare/internal/results"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

func report(t *testing.T) Report {
	t.Helper()
	file, err := results.Read("testdata/results.txt")
	if err != nil {
		t.Fatal(err)
	}
	m, err := matrix.Read("testdata/matrix.json")
	if err != nil {
		t.Fatal(err)
	}
	twins := []facts.Twin{
		{Name: "go-mvrc", Binary: 2 << 20, Lines: 1500, Files: 20, Deps: []string{"github.com/spf13/pflag", "golang.org/x/sys"}},
		{Name: "rust-mvrc", Lines: 1400, Files: 18, Deps: []string{"lexopt", "nix", "thiserror"}},
	}
	return Report{Source: "bench/results/test.txt", Results: file, Matrix: m, Facts: twins}
}

// golden compares got with testdata/NAME, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./... -update rewrites it):\n%s", name, got)
	}
}

func TestMarkdownGolden(t *testing.T) {
	var md bytes.Buffer
	if err := Markdown(&md, report(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "results.md", md.Bytes())
}

func TestChartsGolden(t *testing.T) {
	r := report(t)
	dir := t.TempDir()
	for _, fig := range results.Figures {
		if !Charts[fig.ID] {
			continue
		}
		path, err := Chart(dir, r.Results, fig)
		if err != nil {
			t.Fatal(err)
		}
		svg, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, fig.ID+".svg", svg)
	}
}

func TestChartWithoutMeasurementsFails(t *testing.T) {
	file, err := results.Read("testdata/results.txt")
	if err != nil {
		t.Fatal(err)
	}
	fig := results.Figure{ID: "none", Title: "Nothing", Bench: "Nope", Unit: "sec/op"}
	if _, err := Chart(t.TempDir(), file, fig); err == nil {
		t.Fatal("Chart of a benchmark nobody ran: want an error")
	}
}

// A row with too few rounds for its interval keeps benchmath's warning on the page.
func TestMarkdownShowsWarnings(t *testing.T) {
	in := "goos: linux\n" +
		"BenchmarkStart/runtime=go-mvrc-2 \t100\t4100000 ns/op\n" +
		"BenchmarkStart/runtime=go-mvrc-2 \t100\t4200000 ns/op\n"
	file, err := results.Parse(strings.NewReader(in), "few")
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := Markdown(&md, Report{Source: "few", Results: file, Matrix: &matrix.Matrix{}}); err != nil {
		t.Fatal(err)
	}
	if want := "- go-mvrc: warning: need >= 6 samples"; !strings.Contains(md.String(), want) {
		t.Errorf("results.md lacks %q:\n%s", want, md.String())
	}
}

// A chart names what was not measured, labels each dot with its median, has no title of its
// own, and is set in the slides' sans font.
func TestChartReadsOnASlide(t *testing.T) {
	path, err := Chart(t.TempDir(), report(t).Results, results.Figures[0])
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	svg := string(data)
	for _, want := range []string{">not measured: crun (", ">4.14<", "font-family:Liberation Sans"} {
		if !strings.Contains(svg, want) {
			t.Errorf("%s: no %q", path, want)
		}
	}
	for _, unwanted := range []string{results.Figures[0].Title + "<", "font-family:Liberation Serif"} {
		if strings.Contains(svg, unwanted) {
			t.Errorf("%s: %q", path, unwanted)
		}
	}
}

func TestLogTicks(t *testing.T) {
	var labels []string
	for _, tick := range (logTicks{}).Ticks(1.7, 240) {
		if tick.Label != "" {
			labels = append(labels, tick.Label)
		}
	}
	if got, want := strings.Join(labels, " "), "2 5 10 20 50 100 200"; got != want {
		t.Errorf("labels %q, want %q", got, want)
	}
}
