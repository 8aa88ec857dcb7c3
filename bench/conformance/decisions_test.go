// One policy, three programs: the one generated at build time that both twins embed, and
// what each twin compiles from a file at run time, the Go twin with its own assembler, the
// Rust twin with seccompiler. The programs differ; the decisions must not: all are run here,
// instruction by instruction, over every system call number and a set of arguments.
package conformance

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"mvrc/bench/internal/testenv"
)

// testProfile exercises what the default policy does not: every operator, "and", an errno
// other than the default's, a default other than EPERM.
const testProfile = `default errno EACCES
allow read write exit_group
allow mmap if arg2 == 0x3 and arg3 != 0x22
allow ioctl if arg1 & 0xff00 == 0x5400
allow ioctl if arg1 == 0x10 and arg0 == 1
allow ioctl if arg1 == 0x100000003
errno ENOSYS clone3 statx
errno EINVAL mkdirat if arg2 == 0x1ff
errno EACCES openat
`

func TestSeccompDecisionsAgree(t *testing.T) {
	twins := testenv.Twins(t)
	if len(twins) != 2 {
		t.Fatalf("comparing decisions needs both twins, MVRC_TWINS gives %d", len(twins))
	}
	profile := filepath.Join(t.TempDir(), "test.policy")
	if err := os.WriteFile(profile, []byte(testProfile), 0o644); err != nil {
		t.Fatal(err)
	}
	// "default" is the program generated at build time, the same bytes in both twins; the
	// policy file is compiled at run time, by the Go twin's compiler and by seccompiler.
	policy := filepath.Join(testenv.Root(), "seccomp", "default.policy")
	for _, group := range [][]string{{"default", policy}, {profile}} {
		t.Run(filepath.Base(group[len(group)-1]), func(t *testing.T) {
			type program struct {
				name    string
				filters [][]unix.SockFilter
			}
			var programs []program
			for _, p := range group {
				for _, twin := range twins {
					programs = append(programs, program{twin.Name + " " + filepath.Base(p), dumpFilters(t, twin, p)})
				}
			}
			first, differences := programs[0], 0
			for _, in := range inputs() {
				want := decide(t, first.filters, in)
				for _, other := range programs[1:] {
					if got := decide(t, other.filters, in); got != want {
						if differences++; differences <= 20 {
							t.Errorf("%s: %s says %s, %s says %s", in, first.name, actionName(want), other.name, actionName(got))
						}
					}
				}
			}
			if differences > 0 {
				t.Errorf("%d decisions differ", differences)
			}
		})
	}
	// The tables agree; they must also be right (two twins allowing everything agree too).
	for _, twin := range twins {
		for _, p := range []string{"default", policy} {
			filters := dumpFilters(t, twin, p)
			for _, c := range knownDecisions() {
				if got := decide(t, filters, c.in); got != c.want {
					t.Errorf("%s %s: %s says %s, want %s", twin.Name, filepath.Base(p), c.in, actionName(got), actionName(c.want))
				}
			}
		}
	}
}

// seccompData is the kernel's struct seccomp_data, which a filter reads.
type seccompData struct {
	nr   uint32
	arch uint32
	args [6]uint64
}

func (d seccompData) String() string {
	return fmt.Sprintf("nr %d arch %#x args %#x", d.nr, d.arch, d.args)
}

// bytes lays d out as the kernel does, in the machine's byte order.
func (d seccompData) bytes() []byte {
	b := binary.NativeEndian.AppendUint32(nil, d.nr)
	b = binary.NativeEndian.AppendUint32(b, d.arch)
	b = binary.NativeEndian.AppendUint64(b, 0) // instruction pointer
	for _, a := range d.args {
		b = binary.NativeEndian.AppendUint64(b, a)
	}
	return b
}

// argValues are tried in each argument alone, and pairs of the first ones in two arguments.
var argValues = []uint64{0, 3, 0x22, 1, 0x1ff, 8, 40, 0x10, 0x5401, 0x54ff, 0x55401, 0x20000, 0x20008, 0xffffffff,
	0x100000000, 0x100000003, 0x10000000, 0x7e020000, 0x11, 0x20000000, 1 << 63, ^uint64(0)}

// inputs: every system call number (and some past the last), each with no arguments, each
// value in each argument, and pairs; then the x32 ABI's numbers and another architecture.
func inputs() []seccompData {
	arch := uint32(0)
	switch runtime.GOARCH {
	case "amd64":
		arch = unix.AUDIT_ARCH_X86_64
	case "arm64":
		arch = unix.AUDIT_ARCH_AARCH64
	}
	var in []seccompData
	for nr := uint32(0); nr < 520; nr++ {
		in = append(in, seccompData{nr: nr, arch: arch})
		for i := range 6 {
			for _, v := range argValues {
				d := seccompData{nr: nr, arch: arch}
				d.args[i] = v
				in = append(in, d)
			}
		}
		for i := range 4 {
			for j := i + 1; j < 4; j++ {
				for _, v := range argValues[:4] {
					for _, w := range argValues[:4] {
						d := seccompData{nr: nr, arch: arch}
						d.args[i], d.args[j] = v, w
						in = append(in, d)
					}
				}
			}
		}
	}
	for _, nr := range []uint32{0, 1, 56, 435, 0x40000000, 0x40000001, 0x40000000 | 435, ^uint32(0)} {
		in = append(in, seccompData{nr: nr, arch: arch}, seccompData{nr: nr, arch: unix.AUDIT_ARCH_I386})
	}
	return in
}

// knownDecisions pin a few rows of the default policy's table (x86_64 numbers).
func knownDecisions() []struct {
	in   seccompData
	want uint32
} {
	if runtime.GOARCH != "amd64" {
		return nil
	}
	const allow, eperm, enosys = unix.SECCOMP_RET_ALLOW, unix.SECCOMP_RET_ERRNO | 1, unix.SECCOMP_RET_ERRNO | 38
	call := func(nr uint32, args ...uint64) seccompData {
		d := seccompData{nr: nr, arch: unix.AUDIT_ARCH_X86_64}
		copy(d.args[:], args)
		return d
	}
	return []struct {
		in   seccompData
		want uint32
	}{
		{call(unix.SYS_READ), allow},
		{call(unix.SYS_EXECVE), allow},
		{call(unix.SYS_KEYCTL), eperm},
		{call(unix.SYS_MOUNT), eperm},
		{call(unix.SYS_CLONE3), enosys},
		{call(unix.SYS_CLONE, uint64(unix.SIGCHLD)), allow},
		{call(unix.SYS_CLONE, unix.CLONE_NEWUSER|uint64(unix.SIGCHLD)), eperm},
		{call(unix.SYS_PERSONALITY, 0xffffffff), allow},
		{call(unix.SYS_PERSONALITY, 0x1_0000_0000), eperm},
		{call(unix.SYS_SOCKET, unix.AF_INET), allow},
		{call(unix.SYS_SOCKET, unix.AF_VSOCK), eperm},
		{call(0x40000000 | unix.SYS_READ), eperm}, // the x32 ABI
		{seccompData{nr: unix.SYS_READ, arch: unix.AUDIT_ARCH_I386}, unix.SECCOMP_RET_KILL_PROCESS},
	}
}

// dumpFilters runs `mvrc debug seccomp PROFILE` and reads its filters, in install order.
func dumpFilters(t *testing.T, twin testenv.Twin, profile string) [][]unix.SockFilter {
	t.Helper()
	out, err := exec.Command(twin.Path, "debug", "seccomp", profile).Output()
	if err != nil {
		t.Fatalf("%s debug seccomp %s: %v", twin.Name, profile, err)
	}
	var filters [][]unix.SockFilter
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == "filter" {
			filters = append(filters, nil)
			continue
		}
		var n [4]uint64
		for i := range n {
			if len(f) != 4 || len(filters) == 0 {
				t.Fatalf("%s debug seccomp: bad line %q", twin.Name, sc.Text())
			}
			if n[i], err = strconv.ParseUint(f[i], 0, 32); err != nil {
				t.Fatalf("%s debug seccomp: bad line %q", twin.Name, sc.Text())
			}
		}
		last := &filters[len(filters)-1]
		*last = append(*last, unix.SockFilter{Code: uint16(n[0]), Jt: uint8(n[1]), Jf: uint8(n[2]), K: uint32(n[3])})
	}
	if len(filters) == 0 {
		t.Fatalf("%s debug seccomp %s printed no filter", twin.Name, profile)
	}
	return filters
}

// decide is the kernel's verdict over all filters: each runs, the newest first, and the
// strongest action wins (KILL_PROCESS < ... < ERRNO < ... < ALLOW, compared as signed);
// between equal actions, the newest filter's.
func decide(t *testing.T, filters [][]unix.SockFilter, in seccompData) uint32 {
	t.Helper()
	verdict := uint32(unix.SECCOMP_RET_ALLOW)
	data := in.bytes()
	for i := len(filters) - 1; i >= 0; i-- {
		r, err := runBPF(filters[i], data)
		if err != nil {
			t.Fatalf("filter %d on %s: %v", i+1, in, err)
		}
		if int32(r&unix.SECCOMP_RET_ACTION_FULL) < int32(verdict&unix.SECCOMP_RET_ACTION_FULL) {
			verdict = r
		}
	}
	return verdict
}

// runBPF interprets the classic BPF a seccomp filter may hold: absolute word loads, AND,
// conditional and unconditional jumps, constant returns; anything else is an error.
func runBPF(prog []unix.SockFilter, data []byte) (uint32, error) {
	var a uint32
	for pc := 0; pc < len(prog); pc++ {
		ins := prog[pc]
		switch ins.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			if int(ins.K)+4 > len(data) || ins.K%4 != 0 {
				return 0, fmt.Errorf("pc %d: load at %d", pc, ins.K)
			}
			a = binary.NativeEndian.Uint32(data[ins.K:])
		case unix.BPF_ALU | unix.BPF_AND | unix.BPF_K:
			a &= ins.K
		case unix.BPF_JMP | unix.BPF_JA:
			pc += int(ins.K)
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, unix.BPF_JMP | unix.BPF_JGT | unix.BPF_K,
			unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K, unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K:
			var holds bool
			switch ins.Code & 0xf0 {
			case unix.BPF_JEQ:
				holds = a == ins.K
			case unix.BPF_JGT:
				holds = a > ins.K
			case unix.BPF_JGE:
				holds = a >= ins.K
			case unix.BPF_JSET:
				holds = a&ins.K != 0
			}
			if holds {
				pc += int(ins.Jt)
			} else {
				pc += int(ins.Jf)
			}
		case unix.BPF_RET | unix.BPF_K:
			return ins.K, nil
		default:
			return 0, fmt.Errorf("pc %d: opcode %#x", pc, ins.Code)
		}
	}
	return 0, fmt.Errorf("ran off the end")
}

// actionName names a filter's return value.
func actionName(r uint32) string {
	switch r & unix.SECCOMP_RET_ACTION_FULL {
	case unix.SECCOMP_RET_ALLOW:
		return "allow"
	case unix.SECCOMP_RET_ERRNO:
		return "errno " + unix.ErrnoName(unix.Errno(r&unix.SECCOMP_RET_DATA))
	case unix.SECCOMP_RET_KILL_PROCESS:
		return "kill process"
	}
	return fmt.Sprintf("%#x", r)
}
