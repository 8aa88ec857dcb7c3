package render

// SVG charts (gonum.org/v1/plot) of the figures that need a picture.

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"mvrc/compare/internal/results"
)

// intervals feeds the bars' medians and their confidence intervals to plotter.YErrorBars.
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

// Chart draws a figure's measured runtimes into dir/ID.svg and returns the file's path:
// a dot per runtime at its median, with the 95% confidence interval as an error bar.
func Chart(dir string, f *results.File, fig results.Figure) (string, error) {
	divisor, label := results.Axis(fig.Unit)
	var names []string
	var iv intervals
	for _, row := range f.Rows(fig) {
		if row.Missing != "" {
			continue // unavailable: the table beside the chart says why
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
	p.Title.Text = fig.Title + " (median, 95% CI)"
	p.Y.Label.Text = label
	if spread(iv) > 10 {
		// A linear axis would flatten the fast runtimes into the floor.
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
		p.Y.Label.Text += " (log scale)"
	} else {
		p.Y.Min = 0
	}
	dots, err := plotter.NewScatter(iv)
	if err != nil {
		return "", err
	}
	dots.GlyphStyle = draw.GlyphStyle{Color: blue, Radius: vg.Points(3.5), Shape: draw.CircleGlyph{}}
	errs, err := plotter.NewYErrorBars(iv)
	if err != nil {
		return "", err
	}
	errs.Color = blue
	p.Add(plotter.NewGrid(), errs, dots)
	p.NominalX(names...)
	// Room around the dots: half a slot left and right, some air above (and below, on log).
	p.X.Min, p.X.Max = -0.5, float64(len(iv))-0.5
	p.Title.Padding = vg.Points(8)
	if _, isLog := p.Y.Scale.(plot.LogScale); isLog {
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

var blue = color.RGBA{R: 0x4c, G: 0x72, B: 0xb0, A: 0xff}

// spread is the largest median over the smallest.
func spread(iv intervals) float64 {
	lo, hi := math.Inf(1), 0.0
	for _, s := range iv {
		lo, hi = min(lo, s.Center), max(hi, s.Center)
	}
	return hi / lo
}
