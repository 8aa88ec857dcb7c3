package seccomp

import (
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Arch is what the filter needs to know of an architecture: the kernel's name for it in
// seccomp_data.arch, and its column in syscalls.txt.
type Arch struct {
	Name   string
	Audit  uint32
	column int
}

var arches = map[string]Arch{
	"amd64": {"x86_64", unix.AUDIT_ARCH_X86_64, 1},
	"arm64": {"aarch64", unix.AUDIT_ARCH_AARCH64, 2},
}

// Arches are the architectures a filter is built for, in a fixed order.
func Arches() []Arch { return []Arch{arches["amd64"], arches["arm64"]} }

// Native is the architecture mvrc runs on; ok is false on any other.
func Native() (arch Arch, ok bool) {
	arch, ok = arches[runtime.GOARCH]
	return arch, ok
}

// Table maps system call names to numbers on one architecture; a name the table lists
// with "-" for it is known but absent there.
type Table struct {
	numbers map[string]int32
}

// LoadTable reads syscalls.txt's column for arch.
func LoadTable(text string, arch Arch) Table {
	t := Table{numbers: make(map[string]int32, 400)}
	for line := range strings.Lines(text) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		nr, err := strconv.ParseInt(f[arch.column], 10, 32)
		if err != nil {
			nr = -1 // "-": not on this architecture
		}
		t.numbers[f[0]] = int32(nr)
	}
	return t
}

// Known reports whether name is a system call on some architecture.
func (t Table) Known(name string) bool {
	_, ok := t.numbers[name]
	return ok
}

// Number is name's number on the table's architecture; ok is false where it has none.
func (t Table) Number(name string) (nr uint32, ok bool) {
	n, found := t.numbers[name]
	return uint32(n), found && n >= 0
}
