// Package namespaces is THE ordered table of namespaces mvrc knows, and the parsing of --ns.
package namespaces

import (
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
)

// slide: namespaces

// namespace pairs a --ns name with its clone(2) flag.
type namespace struct {
	Name string
	Flag uintptr
}

// table is in the order every stage uses. user comes first: it is the one an unprivileged
// caller may create, and the kernel then grants the rest inside it in the same clone(2).
var table = []namespace{
	{"user", unix.CLONE_NEWUSER},
	{"mount", unix.CLONE_NEWNS},
	{"pid", unix.CLONE_NEWPID},
	{"uts", unix.CLONE_NEWUTS},
	{"ipc", unix.CLONE_NEWIPC},
	{"net", unix.CLONE_NEWNET},
	{"cgroup", unix.CLONE_NEWCGROUP},
}

// end slide

// Flags is the clone(2) flag set for names.
func Flags(names []string) uintptr {
	var flags uintptr
	for _, ns := range table {
		if Has(names, ns.Name) {
			flags |= ns.Flag
		}
	}
	return flags
}

// Default is every namespace, the --ns default.
func Default() []string {
	names := make([]string, len(table))
	for i, ns := range table {
		names[i] = ns.Name
	}
	return names
}

// Parse reads a comma-separated --ns list into table order without duplicates.
// The empty string means no namespace at all.
func Parse(list string) ([]string, error) {
	wanted := map[string]bool{}
	if list != "" {
		for _, name := range strings.Split(list, ",") {
			if !known(name) {
				return nil, errs.Usagef("unknown namespace %q (known: %s)", name, strings.Join(Default(), ", "))
			}
			wanted[name] = true
		}
	}
	names := []string{}
	for _, ns := range table {
		if wanted[ns.Name] {
			names = append(names, ns.Name)
		}
	}
	return names, nil
}

// Has reports whether name is in names.
func Has(names []string, name string) bool { return slices.Contains(names, name) }

func known(name string) bool {
	return slices.ContainsFunc(table, func(ns namespace) bool { return ns.Name == name })
}
