// Package matrix reads the isolation matrix that bench/isolation writes: every runtime
// against every assertion of the catalogue, with the evidence from both sides.
package matrix

import (
	"encoding/json"
	"fmt"
	"os"
)

// Matrix mirrors bench/isolation.Matrix (a separate module: the JSON is the contract).
type Matrix struct {
	Assertions []struct {
		Name string `json:"name"`
		Why  string `json:"why"`
	} `json:"assertions"`
	Runtimes []Outcome `json:"runtimes"`
}

// Outcome is one runtime's row.
type Outcome struct {
	Runtime     string `json:"runtime"`
	Unavailable string `json:"unavailable"`
	Verdicts    []struct {
		Assertion string `json:"assertion"`
		Pass      bool   `json:"pass"`
		Inside    string `json:"inside"`
		Outside   string `json:"outside"`
	} `json:"verdicts"`
	Work *Work `json:"work"`
}

// Work mirrors bench/isolation.Work: what the runtime did for one container, seen from inside.
type Work struct {
	Namespaces []string `json:"namespaces"`
	Mounts     int      `json:"mounts"`
	Dev        int      `json:"dev"`
	Sys        string   `json:"sys"`
	Root       string   `json:"root"`
	Caps       int      `json:"caps"`
	CapsOf     int      `json:"capsOf"`
	Seccomp    string   `json:"seccomp"`
	Lo         string   `json:"lo"`
}

// Read loads a matrix file.
func Read(path string) (*Matrix, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Matrix
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(m.Assertions) == 0 {
		return nil, fmt.Errorf("%s: no assertions", path)
	}
	return &m, nil
}

// Cell is the mark for one runtime and assertion: ✓ holds, ✗ does not, – not checked.
func (o Outcome) Cell(assertion string) string {
	for _, v := range o.Verdicts {
		if v.Assertion == assertion {
			if v.Pass {
				return "✓"
			}
			return "✗"
		}
	}
	return "–"
}
