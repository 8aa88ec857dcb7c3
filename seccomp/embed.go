// Package seccomp embeds mvrc's seccomp files for the Go twin, so that `--seccomp default`
// needs no file at run time; the Rust twin includes the same files with include_str! and
// include_bytes!.
package seccomp

import _ "embed"

// Default is the default policy, default.policy.
//
//go:embed default.policy
var Default string

// Syscalls is the table of system call names and numbers, syscalls.txt.
//
//go:embed syscalls.txt
var Syscalls string

var (
	//go:embed default-x86_64.bpf
	x86_64 []byte
	//go:embed default-aarch64.bpf
	aarch64 []byte
)

// Programs are the default policy compiled for each architecture (default-ARCH.bpf, made
// by `go generate ./internal/seccomp` in go/), by the architecture's name.
var Programs = map[string][]byte{"x86_64": x86_64, "aarch64": aarch64}
