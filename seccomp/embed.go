// Package seccomp embeds mvrc's seccomp files for the Go twin, so that `--seccomp default`
// needs no file at run time; the Rust twin includes the same files with include_str!.
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
