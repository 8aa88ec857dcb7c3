// Package hop embeds mvrc's exec hop (src/hop.c, built by build.sh into hop-ARCH) for the Go
// twin; the Rust twin includes the same files with include_bytes!.
package hop

import _ "embed"

var (
	//go:embed hop-x86_64
	x86_64 []byte
	//go:embed hop-aarch64
	aarch64 []byte
)

// Programs are the hop's static executables, by the architecture's name.
var Programs = map[string][]byte{"x86_64": x86_64, "aarch64": aarch64}
