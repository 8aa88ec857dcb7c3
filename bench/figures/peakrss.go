package figures

// Peak RSS of one run, measured through GNU time in a pass of its own: the timed runs
// never carry the extra process.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// GNUTime is Debian's `time` package: a small C program that fork()s, execs its command
// and prints the child's wait4 rusage.
const GNUTime = "/usr/bin/time"

// PeakRSS runs cmd once through GNU time and returns, in bytes, the largest resident set
// of the command and of every process it waited for (ru_maxrss is a max, not a sum).
//
// Why not the harness's own wait4, as for CPU time: on execve the kernel (exec_mmap)
// records the OLD mm's RSS high-water mark in the process's maxrss. Go's os/exec starts
// children with clone(CLONE_VFORK|CLONE_VM), so until execve the child's mm IS the
// harness's, and every runtime would report at least the harness's own RSS (a plain fork
// is no better: the copied mm starts at the parent's RSS). GNU time is ~1.5 MiB, so the
// floor it adds is below any runtime's own figure.
func PeakRSS(cmd *exec.Cmd) (int64, error) {
	if cmd.Err != nil {
		return 0, cmd.Err
	}
	out, err := os.CreateTemp("", "peak-rss-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	if sys := cmd.SysProcAttr; sys != nil && sys.Credential != nil {
		// time runs with the command's credentials and must be able to write its report.
		if err := out.Chown(int(sys.Credential.Uid), int(sys.Credential.Gid)); err != nil {
			return 0, err
		}
	}
	name := cmd.Args[0]
	cmd.Args = append([]string{GNUTime, "-f", "%M", "-o", out.Name(), "--", cmd.Path}, cmd.Args[1:]...)
	cmd.Path = GNUTime
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%s: %w: %s", name, err, firstLine(stderr.String()))
	}
	report, err := os.ReadFile(out.Name())
	if err != nil {
		return 0, err
	}
	return parseMaxRSS(string(report))
}

// parseMaxRSS reads the report of `time -f %M`: the last line is ru_maxrss in KiB (a
// failed command gets a line about its status before it).
func parseMaxRSS(report string) (int64, error) {
	lines := strings.Split(strings.TrimSpace(report), "\n")
	kib, err := strconv.ParseInt(strings.TrimSpace(lines[len(lines)-1]), 10, 64)
	if err != nil || kib <= 0 {
		return 0, fmt.Errorf("%s: no peak RSS in its report %q", GNUTime, report)
	}
	return kib * 1024, nil
}
