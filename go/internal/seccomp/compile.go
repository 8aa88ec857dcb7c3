package seccomp

import (
	"cmp"
	"fmt"
	"reflect"
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

// Compile assembles p into one classic BPF program for arch:
//
//	load arch; not ours → kill the process (another ABI could reuse our numbers)
//	load nr; binary search for its segment of the numbers, where each segment is a run
//	    of consecutive numbers with one verdict, or one call with argument rules:
//	    return the verdict, or [each alternative: test the arguments → return its
//	    action]; return the default
//
// Segments and a search, not a list of calls: the kernel runs the program once per system
// call number when the filter is installed, to find the calls it may allow without running
// it again (the action cache), and it checks and compiles every instruction. A list of 300
// calls costs a quarter of a millisecond there; these 150 instructions, a tenth of that.
func Compile(p *Policy, t Table, arch Arch) ([]unix.SockFilter, error) {
	prog := []bpf.Instruction{
		bpf.LoadAbsolute{Off: offsetArch, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: arch.Audit, SkipTrue: 1},
		bpf.RetConstant{Val: unix.SECCOMP_RET_KILL_PROCESS},
		bpf.LoadAbsolute{Off: offsetNr, Size: 4},
	}
	raw, err := bpf.Assemble(append(prog, search(segments(group(p, t), p.Default))...))
	if err != nil {
		return nil, fmt.Errorf("assembling the filter: %w", err)
	}
	filter := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		filter[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	return filter, nil
}

// segment is the numbers from first up to the next segment's first, and their code.
type segment struct {
	first uint32
	code  []bpf.Instruction
}

// segments cuts the numbers 0 to 2^32-1 into runs with one verdict: listed calls without
// argument rules merge with their neighbours of the same action, a call with rules is a
// segment of its own, and the gaps get the default.
func segments(calls []*syscall, deflt Action) []segment {
	ret := func(a Action) []bpf.Instruction { return []bpf.Instruction{bpf.RetConstant{Val: a.ret()}} }
	segs := []segment{{first: 0, code: ret(deflt)}}
	add := func(first uint32, code []bpf.Instruction) {
		if n := len(segs); segs[n-1].first == first {
			segs = segs[:n-1] // an empty gap between two calls
		}
		if n := len(segs); n == 0 || !reflect.DeepEqual(segs[n-1].code, code) {
			segs = append(segs, segment{first, code})
		}
	}
	for _, s := range calls {
		if s.always {
			add(s.nr, ret(s.action))
		} else {
			add(s.nr, s.body(deflt.ret()))
		}
		if s.nr < ^uint32(0) {
			add(s.nr+1, ret(deflt))
		}
	}
	return segs
}

// search finds the segment of the number in A, halving the segments at each step; every
// path ends in a return.
func search(segs []segment) []bpf.Instruction {
	if len(segs) == 1 {
		return segs[0].code
	}
	mid := len(segs) / 2
	below, above := search(segs[:mid]), search(segs[mid:])
	// nr >= the upper half's first: jump over the lower half (a conditional jump reaches 255).
	if len(below) <= 255 {
		out := []bpf.Instruction{bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: segs[mid].first, SkipTrue: uint8(len(below))}}
		return append(append(out, below...), above...)
	}
	out := []bpf.Instruction{
		bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: segs[mid].first, SkipFalse: 1},
		bpf.Jump{Skip: uint32(len(below))},
	}
	return append(append(out, below...), above...)
}

// body is the code of a call with argument rules: each alternative, then the default.
func (s *syscall) body(deflt uint32) []bpf.Instruction {
	var body []bpf.Instruction
	for _, conds := range s.alternatives {
		body = append(body, alternative(conds, s.action.ret())...)
	}
	return append(body, bpf.RetConstant{Val: deflt})
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
