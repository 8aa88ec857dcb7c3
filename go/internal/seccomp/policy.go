package seccomp

import (
	"fmt"
	"strconv"
	"strings"
)

// Policy is a parsed profile: the default action and the rules, in the file's order.
type Policy struct {
	Default Action
	Rules   []Rule
}

// Action is what the filter returns: allow, or fail the call with Errno.
type Action struct {
	Allow bool
	Errno uint32
}

// Rule applies Action to Syscall when every condition holds (always, without any).
type Rule struct {
	Action     Action
	Syscall    string
	Conditions []Condition
}

// Condition compares one argument, all 64 bits of it: (arg & Mask) == Value, or != when Not.
// A plain comparison has Mask all ones.
type Condition struct {
	Arg   uint8
	Not   bool
	Mask  uint64
	Value uint64
}

// errnos are the errors an errno action may name; the same numbers on x86_64 and aarch64.
var errnos = []struct {
	name  string
	value uint32
}{{"EPERM", 1}, {"EACCES", 13}, {"EINVAL", 22}, {"ENOSYS", 38}}

const allOnes = ^uint64(0)

// Parse reads a profile's text. known says whether a system call name exists on some
// architecture; an error names the line and the entry.
func Parse(text string, known func(string) bool) (*Policy, error) {
	p := &Policy{}
	hasDefault := false
	actions := map[string]Action{}
	for i, line := range strings.Split(text, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("line %d: %s", i+1, fmt.Sprintf(format, args...))
		}
		isDefault := fields[0] == "default"
		if isDefault {
			fields = fields[1:]
		}
		action, rest, err := parseAction(fields)
		if err != nil {
			return nil, fail("%s", err)
		}
		if isDefault {
			switch {
			case hasDefault:
				return nil, fail("a second default action")
			case len(rest) > 0:
				return nil, fail("unexpected %q after the default action", rest[0])
			}
			p.Default, hasDefault = action, true
			continue
		}
		names, conds, err := parseRule(rest)
		if err != nil {
			return nil, fail("%s", err)
		}
		for _, name := range names {
			if !known(name) {
				return nil, fail("unknown system call %q", name)
			}
			if prev, seen := actions[name]; seen && prev != action {
				return nil, fail("system call %q already has another action", name)
			}
			actions[name] = action
			p.Rules = append(p.Rules, Rule{Action: action, Syscall: name, Conditions: conds})
		}
	}
	if !hasDefault {
		return nil, fmt.Errorf("no default action")
	}
	return p, nil
}

// parseAction reads "allow" or "errno ENAME" and returns what follows.
func parseAction(fields []string) (Action, []string, error) {
	switch {
	case len(fields) == 0:
		return Action{}, nil, fmt.Errorf("missing action")
	case fields[0] == "allow":
		return Action{Allow: true}, fields[1:], nil
	case fields[0] != "errno":
		return Action{}, nil, fmt.Errorf("unsupported action %q (want allow or errno)", fields[0])
	case len(fields) == 1:
		return Action{}, nil, fmt.Errorf("errno needs an error name")
	}
	for _, e := range errnos {
		if e.name == fields[1] {
			return Action{Errno: e.value}, fields[2:], nil
		}
	}
	return Action{}, nil, fmt.Errorf("unsupported errno %q (want EPERM, EACCES, EINVAL or ENOSYS)", fields[1])
}

// parseRule reads "NAME... [if COND [and COND]...]".
func parseRule(fields []string) ([]string, []Condition, error) {
	names := fields
	var conds []Condition
	for i, f := range fields {
		if f != "if" {
			continue
		}
		names = fields[:i]
		for _, text := range strings.Split(strings.Join(fields[i+1:], " "), " and ") {
			c, err := parseCondition(text)
			if err != nil {
				return nil, nil, err
			}
			conds = append(conds, c)
		}
		break
	}
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("missing system call name")
	}
	return names, conds, nil
}

// parseCondition reads "argN == V", "argN != V" or "argN & MASK == V".
func parseCondition(text string) (Condition, error) {
	bad := fmt.Errorf("bad condition %q (want argN == V, argN != V or argN & MASK == V)", text)
	f := strings.Fields(text)
	if len(f) != 3 && len(f) != 5 || len(f[0]) != 4 || !strings.HasPrefix(f[0], "arg") || f[0][3] < '0' || f[0][3] > '5' {
		return Condition{}, bad
	}
	c := Condition{Arg: f[0][3] - '0', Mask: allOnes}
	if len(f) == 5 {
		if f[1] != "&" || f[3] != "==" {
			return Condition{}, bad
		}
		mask, err := parseValue(f[2])
		if err != nil {
			return Condition{}, bad
		}
		c.Mask, f = mask, []string{f[0], f[3], f[4]}
	}
	switch f[1] {
	case "==":
	case "!=":
		c.Not = true
	default:
		return Condition{}, bad
	}
	value, err := parseValue(f[2])
	if err != nil {
		return Condition{}, bad
	}
	if value&^c.Mask != 0 {
		return Condition{}, fmt.Errorf("bad condition %q: the value has bits outside the mask", text)
	}
	c.Value = value
	return c, nil
}

func parseValue(text string) (uint64, error) {
	if hex, ok := strings.CutPrefix(text, "0x"); ok {
		return strconv.ParseUint(hex, 16, 64)
	}
	return strconv.ParseUint(text, 10, 64)
}

// String writes the action as a profile does.
func (a Action) String() string {
	if a.Allow {
		return "allow"
	}
	for _, e := range errnos {
		if e.value == a.Errno {
			return "errno " + e.name
		}
	}
	return "errno " + strconv.Itoa(int(a.Errno))
}

// String writes the rule as one canonical profile line (values in hex).
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString(r.Action.String() + " " + r.Syscall)
	for i, c := range r.Conditions {
		b.WriteString(map[bool]string{true: " if ", false: " and "}[i == 0])
		fmt.Fprintf(&b, "arg%d", c.Arg)
		if c.Mask != allOnes {
			fmt.Fprintf(&b, " & %#x", c.Mask)
		}
		fmt.Fprintf(&b, " %s %#x", map[bool]string{true: "!=", false: "=="}[c.Not], c.Value)
	}
	return b.String()
}
