module mvrc

go 1.26.0

require (
	github.com/spf13/pflag v1.1.0
	golang.org/x/net v0.59.0
	golang.org/x/sys v0.50.0
	golang.org/x/term v0.48.0
	mvrc/hop v0.0.0
	mvrc/seccomp v0.0.0
)

// The seccomp policy files live at the repository's root, shared with the Rust twin.
replace mvrc/seccomp => ../seccomp

// The exec hop (hop/src/hop.c, built into hop/hop-ARCH), shared with the Rust twin.
replace mvrc/hop => ../hop
