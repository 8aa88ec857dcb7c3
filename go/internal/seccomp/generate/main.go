// Command generate compiles seccomp/default.policy into the programs the twins embed,
// seccomp/default-ARCH.bpf: `mvrc run` then starts with the filter ready, without reading,
// parsing or compiling anything. Run by `go generate ./internal/seccomp` in go/; a test
// fails when a program no longer matches the policy.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"mvrc/internal/seccomp"
)

func main() {
	for _, arch := range seccomp.Arches() {
		program, err := seccomp.Generate(arch)
		if err != nil {
			fmt.Fprintf(os.Stderr, "generate: %s: %v\n", arch.Name, err)
			os.Exit(1)
		}
		path := filepath.Join("..", "..", "..", "seccomp", "default-"+arch.Name+".bpf")
		if err := os.WriteFile(path, program, 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "generate: %v\n", err)
			os.Exit(1)
		}
	}
}
