package isolation

// The runtime × assertion matrix, as the JSON file the compare step renders.

import (
	"encoding/json"
	"os"
)

// Matrix is every runtime against every assertion of the catalogue.
type Matrix struct {
	Assertions []Doc     `json:"assertions"`
	Runtimes   []Outcome `json:"runtimes"`
}

// Doc names an assertion and says why it matters.
type Doc struct {
	Name string `json:"name"`
	Why  string `json:"why"`
}

// Outcome is one runtime's row: its verdicts in catalogue order, or why it could not run.
type Outcome struct {
	Runtime  string   `json:"runtime"`
	Reason   string   `json:"unavailable,omitempty"`
	Verdicts []Result `json:"verdicts"`
	Work     *Work    `json:"work,omitempty"` // what it did for the container, measured from inside
}

// Result is one cell of the matrix.
type Result struct {
	Assertion string `json:"assertion"`
	Pass      bool   `json:"pass"`
	Inside    string `json:"inside"`
	Outside   string `json:"outside"`
}

// NewMatrix starts a matrix over the catalogue.
func NewMatrix() *Matrix {
	m := &Matrix{Runtimes: []Outcome{}}
	for _, a := range Catalogue {
		m.Assertions = append(m.Assertions, Doc{a.Name, a.Why})
	}
	return m
}

// Judge checks a view against the whole catalogue.
func Judge(runtime string, v View) Outcome {
	work := WorkOf(v)
	o := Outcome{Runtime: runtime, Verdicts: []Result{}, Work: &work}
	for _, a := range Catalogue {
		verdict := a.Check(v)
		o.Verdicts = append(o.Verdicts, Result{a.Name, verdict.Pass, verdict.Inside, verdict.Outside})
	}
	return o
}

// Passed counts the verdicts that hold.
func (o Outcome) Passed() int {
	n := 0
	for _, r := range o.Verdicts {
		if r.Pass {
			n++
		}
	}
	return n
}

// Write saves the matrix as indented JSON.
func (m *Matrix) Write(path string) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
