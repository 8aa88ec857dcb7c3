package results

// Values as people read them: 3.38ms, 6.94MiB, 261.5/s.

import (
	"fmt"
	"strings"

	"golang.org/x/perf/benchunit"
)

// Format renders a value of a tidied unit with an SI or IEC prefix.
func Format(v float64, unit string) string {
	switch {
	case strings.HasSuffix(unit, "sec/op"):
		return benchunit.Scale(v, benchunit.Decimal) + "s"
	case strings.HasSuffix(unit, "-B"):
		return benchunit.Scale(v, benchunit.Binary) + "B"
	case unit == "containers/s":
		return fmt.Sprintf("%.1f/s", v)
	}
	return benchunit.Scale(v, benchunit.ClassOf(unit)) + " " + unit
}

// Axis is how a chart shows a unit: a divisor and the label it then has.
func Axis(unit string) (divisor float64, label string) {
	switch {
	case strings.HasSuffix(unit, "sec/op"):
		return 1e-3, "milliseconds"
	case strings.HasSuffix(unit, "-B"):
		return 1 << 20, "MiB"
	}
	return 1, unit
}
