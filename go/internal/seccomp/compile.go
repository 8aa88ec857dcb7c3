package seccomp

import (
	"cmp"
	"fmt"
	"slices"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// Where the kernel's struct seccomp_data keeps what a filter reads (little-endian: an
// argument's low word comes first).
const (
	offsetNr   = 0
	offsetArch = 4
	offsetArgs = 16
)

// syscall is everything the policy says about one system call number.
type syscall struct {
	nr           uint32
	action       Action
	always       bool          // a rule without conditions: no need to look at the arguments
	alternatives [][]Condition // otherwise: the action applies when one of these holds
}

// Compile assembles p into one classic BPF program for arch, laid out for reading:
//
//	load arch; not ours → kill the process (another ABI could reuse our numbers)
//	load nr; for each listed call, in number order:
//	    nr == N → [each alternative: test the arguments → return the action]; return the default
//	return the default
func Compile(p *Policy, t Table, arch Arch) ([]unix.SockFilter, error) {
	prog := []bpf.Instruction{
		bpf.LoadAbsolute{Off: offsetArch, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: arch.Audit, SkipTrue: 1},
		bpf.RetConstant{Val: unix.SECCOMP_RET_KILL_PROCESS},
		bpf.LoadAbsolute{Off: offsetNr, Size: 4},
	}
	deflt := p.Default.ret()
	for _, s := range group(p, t) {
		var body []bpf.Instruction
		if s.always {
			body = []bpf.Instruction{bpf.RetConstant{Val: s.action.ret()}}
		} else {
			for _, conds := range s.alternatives {
				body = append(body, alternative(conds, s.action.ret())...)
			}
			body = append(body, bpf.RetConstant{Val: deflt})
		}
		if len(body) > 255 {
			return nil, fmt.Errorf("too many rules for system call %d", s.nr)
		}
		prog = append(prog, bpf.JumpIf{Cond: bpf.JumpEqual, Val: s.nr, SkipFalse: uint8(len(body))})
		prog = append(prog, body...)
	}
	prog = append(prog, bpf.RetConstant{Val: deflt})
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("assembling the filter: %w", err)
	}
	filter := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		filter[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	return filter, nil
}

// group collects the rules per system call number of t's architecture, in number order;
// a name the architecture lacks is skipped.
func group(p *Policy, t Table) []*syscall {
	byNr := map[uint32]*syscall{}
	for _, r := range p.Rules {
		nr, ok := t.Number(r.Syscall)
		if !ok {
			continue
		}
		s := byNr[nr]
		if s == nil {
			s = &syscall{nr: nr, action: r.Action}
			byNr[nr] = s
		}
		s.always = s.always || len(r.Conditions) == 0
		s.alternatives = append(s.alternatives, r.Conditions)
	}
	calls := make([]*syscall, 0, len(byNr))
	for _, s := range byNr {
		calls = append(calls, s)
	}
	slices.SortFunc(calls, func(a, b *syscall) int { return cmp.Compare(a.nr, b.nr) })
	return calls
}

// alternative tests every condition, high word then low word, and returns ret when all
// hold; a failing test jumps past the return, to the next alternative.
func alternative(conds []Condition, ret uint32) []bpf.Instruction {
	var out []bpf.Instruction
	type exit struct {
		at     int
		onTrue bool // the test fails when it holds (the low word of a !=)
	}
	var fails []exit // jumps whose failing branch must leave the alternative
	for _, c := range conds {
		off := offsetArgs + 8*uint32(c.Arg)
		hi := word(off+4, uint32(c.Mask>>32))
		lo := word(off, uint32(c.Mask))
		out = append(out, hi...)
		if c.Not { // != : a different high word already passes, skipping the low word
			out = append(out, bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(c.Value >> 32), SkipFalse: uint8(len(lo) + 1)})
		} else {
			fails = append(fails, exit{at: len(out)})
			out = append(out, bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(c.Value >> 32)})
		}
		out = append(out, lo...)
		fails = append(fails, exit{at: len(out), onTrue: c.Not})
		out = append(out, bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(c.Value)})
	}
	out = append(out, bpf.RetConstant{Val: ret})
	for _, f := range fails {
		j := out[f.at].(bpf.JumpIf)
		skip := uint8(len(out) - f.at - 1)
		if f.onTrue {
			j.SkipTrue = skip
		} else {
			j.SkipFalse = skip
		}
		out[f.at] = j
	}
	return out
}

// word loads one 32-bit half of an argument, masked when the mask is not all ones.
func word(off, mask uint32) []bpf.Instruction {
	load := []bpf.Instruction{bpf.LoadAbsolute{Off: off, Size: 4}}
	if mask != ^uint32(0) {
		load = append(load, bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: mask})
	}
	return load
}

// ret is the action as a filter's return value.
func (a Action) ret() uint32 {
	if a.Allow {
		return unix.SECCOMP_RET_ALLOW
	}
	return unix.SECCOMP_RET_ERRNO | a.Errno
}
