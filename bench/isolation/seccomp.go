package isolation

// The seccomp assertion: a system-call filter stands between the command and the kernel.

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// seccompFilter holds when the command runs in filter mode (Seccomp: 2) with more filters
// than the harness itself has: one the runtime added, not one it inherited from us.
var seccompFilter = Assertion{"seccomp filter active",
	"keyctl, bpf, userfaultfd, perf_event_open, ...: calls few programs need and many exploits use are refused",
	func(v View) (bool, string, string) {
		inside := v.Inside["seccomp"] == "Seccomp:2"
		outside := v.Outside.Seccomp == "2" && v.Outside.SeccompFilters > v.Host.SeccompFilters
		return inside && outside, v.Inside["seccomp"],
			fmt.Sprintf("Seccomp %s, %d filters (harness %d)", v.Outside.Seccomp, v.Outside.SeccompFilters, v.Host.SeccompFilters)
	}}

// seccompOf reads the Seccomp mode and the Seccomp_filters count of /proc/PID/status
// (procfs has neither); pid "self" is the harness.
func seccompOf(pid string) (mode string, filters int, err error) {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return "", 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		key, value, _ := strings.Cut(line, ":")
		switch value = strings.TrimSpace(value); key {
		case "Seccomp":
			mode = value
		case "Seccomp_filters":
			if filters, err = strconv.Atoi(value); err != nil {
				return "", 0, fmt.Errorf("/proc/%s/status: Seccomp_filters %q", pid, value)
			}
		}
	}
	return mode, filters, nil
}
