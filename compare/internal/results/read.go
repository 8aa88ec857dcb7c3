// Package results reads a benchmark results file (benchfmt, as `just bench` writes it)
// into samples per benchmark and runtime, and summarises them with benchstat's statistics.
package results

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// Key names one sample: a benchmark without its runtime ("Start", "Throughput/conc=2"),
// the runtime, and a tidied unit ("sec/op", "peak-RSS-B").
type Key struct {
	Bench, Runtime, Unit string
}

// File is one results file.
type File struct {
	Config      []Pair              // file configuration lines, in order
	Runtimes    []string            // every runtime the file mentions, in order of appearance
	Unavailable map[string]string   // runtime → why it could not run here
	Versions    map[string]string   // runtime → its version line
	Samples     map[Key][]float64   // one value per result line
	Units       map[string][]string // bench → units it reported, in order
}

// Pair is a configuration line.
type Pair struct{ Key, Value string }

// Read parses a results file.
func Read(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads benchfmt from r. Runtimes come from `version-NAME` and `unavailable-NAME`
// config lines and from the `runtime=NAME` part of benchmark names.
func Parse(r io.Reader, name string) (*File, error) {
	file := &File{Unavailable: map[string]string{}, Versions: map[string]string{},
		Samples: map[Key][]float64{}, Units: map[string][]string{}}
	seen := map[string]bool{}
	addRuntime := func(rt string) {
		if !seen[rt] {
			seen[rt] = true
			file.Runtimes = append(file.Runtimes, rt)
		}
	}
	reader := benchfmt.NewReader(r, name)
	for reader.Scan() {
		switch rec := reader.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, rec
		case *benchfmt.Result:
			file.Config = file.Config[:0]
			for _, c := range rec.Config {
				if !c.File {
					continue
				}
				file.Config = append(file.Config, Pair{c.Key, string(c.Value)})
				if rt, ok := strings.CutPrefix(c.Key, "version-"); ok {
					file.Versions[rt] = string(c.Value)
					addRuntime(rt)
				}
				if rt, ok := strings.CutPrefix(c.Key, "unavailable-"); ok {
					file.Unavailable[rt] = string(c.Value)
					addRuntime(rt)
				}
			}
			bench, runtime := splitName(rec.Name)
			if runtime == "" {
				return nil, fmt.Errorf("%s: benchmark %s has no runtime= part", name, rec.Name)
			}
			addRuntime(runtime)
			for _, v := range rec.Values {
				key := Key{bench, runtime, v.Unit}
				if _, ok := file.Samples[key]; !ok && !slices.Contains(file.Units[bench], v.Unit) {
					file.Units[bench] = append(file.Units[bench], v.Unit)
				}
				file.Samples[key] = append(file.Samples[key], v.Value)
			}
		}
	}
	if err := reader.Err(); err != nil {
		return nil, err
	}
	if len(file.Samples) == 0 {
		return nil, fmt.Errorf("%s: no benchmark results", name)
	}
	return file, nil
}

// splitName turns "Throughput/runtime=go-mvrc/conc=2-2" into ("Throughput/conc=2", "go-mvrc").
func splitName(n benchfmt.Name) (bench, runtime string) {
	base, parts := n.Parts()
	var b bytes.Buffer
	b.Write(base)
	for _, part := range parts {
		if value, ok := bytes.CutPrefix(part, []byte("/runtime=")); ok {
			runtime = string(value)
		} else if part[0] == '/' { // not the -GOMAXPROCS suffix
			b.Write(part)
		}
	}
	return b.String(), runtime
}

// Get returns a configuration value ("" when absent).
func (f *File) Get(key string) string {
	for _, p := range f.Config {
		if p.Key == key {
			return p.Value
		}
	}
	return ""
}
