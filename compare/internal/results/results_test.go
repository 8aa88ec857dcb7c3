package results

import (
	"math"
	"strings"
	"testing"
)

const sample = `kernel: 6.18.0
version-fast: fast 1.0
unavailable-broken: cgroups in hybrid mode not supported
BenchmarkStart/runtime=fast-2 	 10	 1000000 ns/op	 500 peak-RSS-B
BenchmarkStart/runtime=slow-2 	 10	 3000000 ns/op	 700 peak-RSS-B
BenchmarkThroughput/runtime=fast/conc=8-2 	 10	 1000 ns/op	 400 containers/s
BenchmarkThroughput/runtime=slow/conc=8-2 	 10	 1000 ns/op	 100 containers/s
`

func TestParse(t *testing.T) {
	f, err := Parse(strings.NewReader(sample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Runtimes, ","); got != "fast,broken,slow" {
		t.Errorf("Runtimes = %s, want fast,broken,slow (config lines first, then results)", got)
	}
	tests := []struct {
		key  Key
		want float64
	}{
		{Key{"Start", "fast", "sec/op"}, 0.001}, // ns/op tidied to sec/op
		{Key{"Start", "slow", "peak-RSS-B"}, 700},
		{Key{"Throughput/conc=8", "fast", "containers/s"}, 400},
	}
	for _, tt := range tests {
		got := f.Samples[tt.key]
		if len(got) != 1 || math.Abs(got[0]-tt.want) > 1e-12 {
			t.Errorf("Samples[%v] = %v, want [%v]", tt.key, got, tt.want)
		}
	}
	if f.Unavailable["broken"] != "cgroups in hybrid mode not supported" || f.Versions["fast"] != "fast 1.0" {
		t.Errorf("Unavailable = %v, Versions = %v", f.Unavailable, f.Versions)
	}
	if f.Get("kernel") != "6.18.0" {
		t.Errorf(`Get("kernel") = %q`, f.Get("kernel"))
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "kernel: 1\n", "no benchmark results"},
		{"no runtime part", "BenchmarkStart-2 1 5 ns/op\n", "has no runtime= part"},
		{"odd fields", "BenchmarkStart/runtime=a-2 1 5\n", "missing units"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in), "in")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestRowsRatioIsTimesSlowerThanBest(t *testing.T) {
	f, err := Parse(strings.NewReader(sample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		fig  Figure
		want map[string]float64 // runtime → times slower than the best; absent: missing
	}{
		{Figure{Bench: "Start", Unit: "sec/op"}, map[string]float64{"fast": 1, "slow": 3}},
		{Figure{Bench: "Throughput/conc=8", Unit: "containers/s", Higher: true}, map[string]float64{"fast": 1, "slow": 4}},
	}
	for _, tt := range tests {
		for _, row := range f.Rows(tt.fig) {
			want, measured := tt.want[row.Runtime]
			switch {
			case !measured && row.Missing == "":
				t.Errorf("%s %s: measured, want missing", tt.fig.Bench, row.Runtime)
			case measured && math.Abs(row.Ratio-want) > 1e-9:
				t.Errorf("%s %s: ratio %v, want %v", tt.fig.Bench, row.Runtime, row.Ratio, want)
			}
		}
	}
	if rows := f.Rows(Figure{Bench: "Start", Unit: "sec/op"}); rows[1].Missing != "cgroups in hybrid mode not supported" {
		t.Errorf("broken runtime's row = %+v, want its reason", rows[1])
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		v    float64
		unit string
		want string
	}{
		{0.0041234, "sec/op", "4.123ms"},
		{0.0021, "cpu-sec/op", "2.100ms"},
		{7274496, "peak-RSS-B", "6.938MiB"},
		{261.54, "containers/s", "261.5/s"},
	}
	for _, tt := range tests {
		if got := Format(tt.v, tt.unit); got != tt.want {
			t.Errorf("Format(%v, %q) = %q, want %q", tt.v, tt.unit, got, tt.want)
		}
	}
}
