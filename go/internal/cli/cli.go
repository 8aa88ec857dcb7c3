// Package cli turns argv into a Spec or a usage error; help and version are answered here.
package cli

import (
	"mvrc/internal/errs"
	"mvrc/internal/spec"
)

// Result is what the command line asks for: a container to run, or text to print.
type Result struct {
	Spec  *spec.Spec
	Print string
	// DumpSeccomp is the profile of the hidden `mvrc debug seccomp [PROFILE]`, which prints
	// the compiled filter for the cross-twin test (design.md, "Seccomp").
	DumpSeccomp string
}

// Caller is what parsing needs to know about the host side: its environment, ids, hostname.
type Caller struct {
	Env      map[string]string
	UID, GID uint32
	Hostname string
}

// Parse reads argv without the program name. It is pure: the caller is passed in.
func Parse(args []string, caller Caller) (Result, error) {
	if len(args) == 0 {
		return Result{}, errs.Usagef("missing command (want run, version or help)")
	}
	switch args[0] {
	case "run":
		return parseRun(args[1:], caller)
	case "version", "--version":
		return printing(versionLine, args[1:])
	case "help", "-h", "--help":
		if len(args) == 1 {
			return Result{Print: usage}, nil
		}
		if args[1] == "run" {
			return printing(runUsage, args[2:])
		}
		return Result{}, errs.Usagef("unknown help topic %q", args[1])
	case "debug":
		return parseDebug(args[1:])
	}
	return Result{}, errs.Usagef("unknown command %q", args[0])
}

// printing is the answer of a command that prints text and takes no further argument.
func printing(text string, extra []string) (Result, error) {
	if len(extra) > 0 {
		return Result{}, errs.Usagef("unexpected argument %q", extra[0])
	}
	return Result{Print: text}, nil
}

// parseDebug reads the hidden `debug seccomp [PROFILE]`.
func parseDebug(args []string) (Result, error) {
	switch {
	case len(args) == 0 || args[0] != "seccomp":
		return Result{}, errs.Usagef("unknown command %q", "debug")
	case len(args) == 1:
		return Result{DumpSeccomp: "default"}, nil
	case len(args) == 2:
		return Result{DumpSeccomp: args[1]}, nil
	}
	return Result{}, errs.Usagef("unexpected argument %q", args[2])
}
