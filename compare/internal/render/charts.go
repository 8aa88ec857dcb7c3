package render

// SVG charts (gonum.org/v1/plot) of the figures that need a picture, drawn to be read on a
// slide: the slides' sans font, each median written beside its dot, whiskers wider than the
// dot, a linear axis unless the medians span more than ten times, and the runtimes that were
// not measured named under the chart. No title: the page's and the slide's heading is it.

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"mvrc/compare/internal/results"
)

// sans is the slides' font family (Marp's default theme on Debian: Liberation Sans).
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// intervals feeds the medians and their confidence intervals to the plotters.
type intervals []results.Summary

func (iv intervals) Len() int                    { return len(iv) }
func (iv intervals) XY(i int) (float64, float64) { return float64(i), iv[i].Center }
func (iv intervals) YError(i int) (float64, float64) {
	s := iv[i]
	if math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0) {
		return 0, 0 // too few rounds for an interval (the smoke run has one)
	}
	return s.Center - s.Lo, s.Hi - s.Center
}

// Label is the median as written beside its dot.
func (iv intervals) Label(i int) string { return number(iv[i].Center) }

// Chart draws a figure's measured runtimes into dir/ID.svg and returns the file's path:
// a dot per runtime at its median, labelled with it, and the 95% confidence interval as
// whiskers.
func Chart(dir string, f *results.File, fig results.Figure) (string, error) {
	divisor, label := results.Axis(fig.Unit)
	var names, missing []string
	var iv intervals
	for _, row := range f.Rows(fig) {
		if row.Missing != "" {
			missing = append(missing, row.Runtime+" ("+row.Missing+")")
			continue
		}
		s := row.Summary
		s.Center, s.Lo, s.Hi = s.Center/divisor, s.Lo/divisor, s.Hi/divisor
		names = append(names, row.Runtime)
		iv = append(iv, s)
	}
	if len(iv) == 0 {
		return "", fmt.Errorf("chart %s: no runtime was measured", fig.ID)
	}
	p := plot.New()
	for _, t := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font} {
		t.Typeface, t.Variant = sans.Typeface, sans.Variant
	}
	p.X.Tick.Label.Font.Size, p.Y.Tick.Label.Font.Size = vg.Points(11), vg.Points(10)
	p.Y.Label.Text = label
	p.Y.Label.TextStyle.Font.Size = vg.Points(11)
	p.X.Label.Text = "dots: medians; whiskers: 95% confidence intervals"
	if len(missing) > 0 {
		p.X.Label.Text += "\nnot measured: " + strings.Join(missing, "; ")
	}
	p.X.Label.TextStyle.Font.Size = vg.Points(9)
	p.X.Label.TextStyle.Color = gray
	logScale := spread(iv) > 10
	if logScale {
		// A linear axis would flatten the fast runtimes into the floor.
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
		p.Y.Label.Text += " (log scale)"
	} else {
		p.Y.Min = 0
	}
	dots, err := plotter.NewScatter(iv)
	if err != nil {
		return "", err
	}
	dots.GlyphStyle = draw.GlyphStyle{Color: blue, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
	whiskers, err := plotter.NewYErrorBars(iv)
	if err != nil {
		return "", err
	}
	whiskers.Color, whiskers.Width, whiskers.CapWidth = dark, vg.Points(1.5), vg.Points(14)
	labels, err := plotter.NewLabels(iv)
	if err != nil {
		return "", err
	}
	for i := range labels.TextStyle {
		labels.TextStyle[i].Font.Typeface, labels.TextStyle[i].Font.Variant = sans.Typeface, sans.Variant
		labels.TextStyle[i].Font.Size = vg.Points(11)
		labels.TextStyle[i].YAlign = draw.YCenter
	}
	labels.Offset = vg.Point{X: vg.Points(10)}
	p.Add(plotter.NewGrid(), whiskers, dots, labels)
	p.NominalX(tickNames(names)...)
	// Room around the dots: half a slot left and right, air above (and below, on log).
	p.X.Min, p.X.Max = -0.5, float64(len(iv))-0.5
	if logScale {
		p.Y.Min, p.Y.Max = p.Y.Min/1.5, p.Y.Max*1.5
	} else {
		p.Y.Max *= 1.15
	}
	path := filepath.Join(dir, fig.ID+".svg")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return path, p.Save(7*vg.Inch, 3.5*vg.Inch, path)
}

var (
	blue = color.RGBA{R: 0x4c, G: 0x72, B: 0xb0, A: 0xff}
	dark = color.RGBA{R: 0x22, G: 0x33, B: 0x55, A: 0xff}
	gray = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
)

// spread is the largest median over the smallest.
func spread(iv intervals) float64 {
	lo, hi := math.Inf(1), 0.0
	for _, s := range iv {
		lo, hi = min(lo, s.Center), max(hi, s.Center)
	}
	return hi / lo
}

// logTicks labels 1, 2 and 5 times each power of ten on a log axis (plot.LogTicks labels
// only the powers, often one or two on a chart), the other integers as unlabelled ticks.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
		for m := 1.0; m < 10; m++ {
			v := m * math.Pow(10, e)
			if v < lo || v > hi {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || m == 2 || m == 5 {
				t.Label = strconv.FormatFloat(v, 'g', -1, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// number writes v with two or three significant digits, as a reader says it: 0.52, 3.1, 160.
func number(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// tickNames breaks a long runtime name after its first hyphen ("bwrap-same-work" over two
// lines), so that neighbouring names under the axis do not run into each other.
func tickNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		if len(n) > 10 {
			n = strings.Replace(n, "-", "-\n", 1)
		}
		out[i] = n
	}
	return out
}
